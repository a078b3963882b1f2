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
 * @param commandBurst           commands one socket may send at once (a token bucket's size, full at open)
 * @param commandsPerSecond      commands per second the bucket refills on the server's clock
 * @param rateLimitedMax         commands refused {@code RateLimit} in a row that a socket is allowed;
 *                               the next one closes it
 * @param pingAfterMs            a socket that sent nothing (no command, no pong) for this long is pinged,
 *                               and again each time this long passes without an answer
 * @param silentCloseMs          a socket that sent nothing for this long is closed
 */
public record StreamerLimits(int subscriptionsPerSocket, int socketsPerUser, int idsPerUser, int commandBytes,
        int controlFramesQueued, int tradeFramesQueued, int commandBurst, int commandsPerSecond, int rateLimitedMax,
        long pingAfterMs, long silentCloseMs) {

    /** Far above the ~100 quote subscriptions past which the docs say the vendor's streamer degrades. */
    public static final int SUBSCRIPTIONS_PER_SOCKET_MAX = 10_000;
    public static final int SOCKETS_PER_USER_MAX = 20;
    public static final int IDS_PER_USER_MAX = 40;
    /** 64 KiB: a subscribe of about 9,000 six-digit keys in one command. */
    public static final int COMMAND_BYTES_MAX = 64 * 1024;
    public static final int CONTROL_FRAMES_QUEUED_MAX = 256;
    /** About 16 MB of order messages: a snapshot of 1,000 open orders and far more changes than any reader lags by. */
    public static final int TRADE_FRAMES_QUEUED_MAX = 10_000;
    /** A client that subscribes key by key at start-up (a watchlist of 200) is not refused. */
    public static final int COMMAND_BURST_MAX = 200;
    /** Sustained: far more than a person changes subscriptions, far less than a loop. */
    public static final int COMMANDS_PER_SECOND = 20;
    /** Refusals in a row before the socket is closed: a client that does not wait is not served for ever. */
    public static final int RATE_LIMITED_MAX = 50;
    /** Pinged after 20 s of silence: well inside the 60 s after which proxies and Helidon drop a quiet connection. */
    public static final long PING_AFTER_MS = 20_000;
    /**
     * Closed after 50 s of silence (two pings unanswered), before Helidon's own idle timeout
     * ({@code http.Limits.IDLE_CONNECTION_TIMEOUT}, 60 s) would drop it without a close frame.
     */
    public static final long SILENT_CLOSE_MS = 50_000;

    public static final StreamerLimits DEFAULTS = new StreamerLimits(SUBSCRIPTIONS_PER_SOCKET_MAX,
            SOCKETS_PER_USER_MAX, IDS_PER_USER_MAX, COMMAND_BYTES_MAX, CONTROL_FRAMES_QUEUED_MAX, TRADE_FRAMES_QUEUED_MAX,
            COMMAND_BURST_MAX, COMMANDS_PER_SECOND, RATE_LIMITED_MAX, PING_AFTER_MS, SILENT_CLOSE_MS);

    public StreamerLimits {
        if (commandBurst < 1 || commandsPerSecond < 1 || rateLimitedMax < 0 || pingAfterMs < 1
                || silentCloseMs <= pingAfterMs) {
            throw new IllegalArgumentException("burst and rate >= 1, refusals >= 0, 0 < ping after < silent close");
        }
    }

    /** The first five limits, the rest at their defaults. */
    public StreamerLimits(int subscriptionsPerSocket, int socketsPerUser, int idsPerUser, int commandBytes,
            int controlFramesQueued) {
        this(subscriptionsPerSocket, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued,
                TRADE_FRAMES_QUEUED_MAX, COMMAND_BURST_MAX, COMMANDS_PER_SECOND, RATE_LIMITED_MAX, PING_AFTER_MS,
                SILENT_CLOSE_MS);
    }

    /** These limits with another command rate. */
    public StreamerLimits withCommandRate(int burst, int perSecond, int refusedMax) {
        return new StreamerLimits(subscriptionsPerSocket, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued,
                tradeFramesQueued, burst, perSecond, refusedMax, pingAfterMs, silentCloseMs);
    }

    /** These limits with another idle policy. */
    public StreamerLimits withIdle(long pingAfter, long silentClose) {
        return new StreamerLimits(subscriptionsPerSocket, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued,
                tradeFramesQueued, commandBurst, commandsPerSecond, rateLimitedMax, pingAfter, silentClose);
    }

    /** These limits with another number of sockets per user. */
    public StreamerLimits withSocketsPerUser(int sockets) {
        return new StreamerLimits(subscriptionsPerSocket, sockets, idsPerUser, commandBytes, controlFramesQueued,
                tradeFramesQueued, commandBurst, commandsPerSecond, rateLimitedMax, pingAfterMs, silentCloseMs);
    }

    public StreamerLimits withSubscriptionsPerSocket(int n) {
        return new StreamerLimits(n, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued, tradeFramesQueued,
                commandBurst, commandsPerSecond, rateLimitedMax, pingAfterMs, silentCloseMs);
    }

    public StreamerLimits withTradeFramesQueued(int n) {
        return new StreamerLimits(subscriptionsPerSocket, socketsPerUser, idsPerUser, commandBytes, controlFramesQueued,
                n, commandBurst, commandsPerSecond, rateLimitedMax, pingAfterMs, silentCloseMs);
    }
}
