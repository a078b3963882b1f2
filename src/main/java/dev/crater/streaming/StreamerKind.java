package dev.crater.streaming;

import java.util.Optional;

/** The two streamers of reference 11 §1, with the {@code sessionType} numbers of the recover call. */
public enum StreamerKind {
    /** The trade-data streamer (orders, positions, balances, watchlists): {@code sessionType=0}. */
    DATA(0, "data"),
    /** The quote streamer: {@code sessionType=1}. */
    QUOTE(1, "quotes");

    final int sessionType;
    /** The last segment of the streamer's URL, {@code /api/streamer/<segment>}. */
    final String segment;

    StreamerKind(int sessionType, String segment) {
        this.sessionType = sessionType;
        this.segment = segment;
    }

    static Optional<StreamerKind> ofSessionType(int type) {
        for (StreamerKind k : values()) {
            if (k.sessionType == type) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The path a client's {@code <Url>/CreateSession.txt} reaches. */
    String createSessionPath() {
        return StreamingService.PATH + "/" + segment + "/CreateSession.txt";
    }
}
