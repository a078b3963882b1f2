package dev.crater.http;

/**
 * Every size and time limit the HTTP edge enforces, in one place. Each size is tested at N and N+1.
 */
public final class Limits {
    private Limits() {
    }

    /** Request line (method, URI, version), in bytes. Longer → 414. */
    public static final int REQUEST_LINE_BYTES_MAX = 8 * 1024;
    /**
     * All request header lines together, in bytes, each line counted with its CRLF (the request
     * line and the closing blank line not counted). Larger → 431, checked by Crater's filter.
     */
    public static final int HEADERS_BYTES_MAX = 16 * 1024;
    /**
     * Where the transport itself stops reading headers (→ 400). Above {@link #HEADERS_BYTES_MAX}
     * so that the exact limit is Crater's, answered with the documented 431 body.
     */
    public static final int HEADERS_TRANSPORT_BYTES_MAX = 2 * HEADERS_BYTES_MAX;
    /** Request header count. More → 431. */
    public static final int HEADER_COUNT_MAX = 64;
    /** One credential header (Username, Password, PinCode, VerificationCode), in characters. */
    public static final int CREDENTIAL_HEADER_CHARS_MAX = 256;
    /** Request body, in bytes. Larger → 413. */
    public static final long BODY_BYTES_MAX = 1024 * 1024;
    /** Concurrent requests per listener before new ones are refused with 503. */
    public static final int CONCURRENT_REQUESTS_MAX = 4096;
    /** Open TCP connections per listener. */
    public static final int TCP_CONNECTIONS_MAX = 8192;
    /**
     * From the end of the request line to the end of the headers. A client still sending headers
     * then is cut off (the connection is closed; there is no point answering it).
     */
    public static final java.time.Duration HEADERS_READ_TIMEOUT = java.time.Duration.ofSeconds(10);
    /**
     * From the start of reading a body to its end (a 1 MiB body needs 52 KiB/s). Later → 408 and the
     * connection is closed.
     */
    public static final java.time.Duration BODY_READ_TIMEOUT = java.time.Duration.ofSeconds(20);
    /**
     * A connection waiting this long for the next request line (a kept-alive connection left idle,
     * or a request line sent byte by byte) is closed; checked every {@link #IDLE_CONNECTION_CHECK}.
     */
    public static final java.time.Duration IDLE_CONNECTION_TIMEOUT = java.time.Duration.ofSeconds(60);
    public static final java.time.Duration IDLE_CONNECTION_CHECK = java.time.Duration.ofSeconds(10);
    /**
     * At shutdown, requests already running get this long to finish (an order waits for its shard at
     * most 10 seconds) before their connections are cut; idle connections close at once.
     */
    public static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(10);
}
