package dev.crater.streaming;

/**
 * The streamers' limits (docs/api-compatibility.md, "Streaming"). The server runs on
 * {@link #DEFAULTS}; tests use smaller values through {@link StreamingService#useLimits} to reach
 * N and N+1 of limits larger than the securities there are.
 *
 * @param subscriptionsPerSocket distinct keys one socket may be subscribed to at once
 * @param socketsPerUser         open streamer sockets of one user (both streamers together)
 * @param idsPerUser             live streamer session ids of one user; issuing one more drops the oldest
 * @param commandBytes           largest client command (one text message, all its frames), UTF-8 bytes
 * @param controlFramesQueued    replies (CreateSession, refusals) waiting to be written to one socket
 * @param tradeFramesQueued      trade-data messages (orders, positions, balances, watchlists, alerts) waiting
 *                               to be written to one socket; one more closes it (they are never dropped)
 */
public record StreamerLimits(int subscriptionsPerSocket, int socketsPerUser, int idsPerUser, int commandBytes,
        int controlFramesQueued, int tradeFramesQueued) {

    /** Far above the ~100 quote subscriptions past which the docs say the vendor's streamer degrades. */
    public static final int SUBSCRIPTIONS_PER_SOCKET_MAX = 10_000;
    public static final int SOCKETS_PER_USER_MAX = 20;
    public static final int IDS_PER_USER_MAX = 40;
    /** 64 KiB: a subscribe of about 9,000 six-digit keys in one command. */
    public static final int COMMAND_BYTES_MAX = 64 * 1024;
    public static final int CONTROL_FRAMES_QUEUED_MAX = 256;
    /** About 16 MB of order messages: a snapshot of 1,000 open orders and far more changes than any reader lags by. */
    public static final int TRADE_FRAMES_QUEUED_MAX = 10_000;

    public static final StreamerLimits DEFAULTS = new StreamerLimits(SUBSCRIPTIONS_PER_SOCKET_MAX,
            SOCKETS_PER_USER_MAX, IDS_PER_USER_MAX, COMMAND_BYTES_MAX, CONTROL_FRAMES_QUEUED_MAX,
            TRADE_FRAMES_QUEUED_MAX);

    public StreamerLimits withSubscriptionsPerSocket(int n) {
        return new StreamerLimits(n, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued, tradeFramesQueued);
    }

    public StreamerLimits withTradeFramesQueued(int n) {
        return new StreamerLimits(subscriptionsPerSocket, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued,
                n);
    }
}
