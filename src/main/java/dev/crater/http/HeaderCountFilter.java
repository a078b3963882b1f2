package dev.crater.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Refuses requests with more than {@link Limits#HEADER_COUNT_MAX} header lines or more than
 * {@link Limits#HEADERS_BYTES_MAX} header bytes (431), counting a repeated name once per line, and
 * request targets that are not an absolute path (400: the API has no use for {@code *} or
 * authority forms).
 */
public final class HeaderCountFilter implements Filter {
    public static final HeaderCountFilter INSTANCE = new HeaderCountFilter();

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!req.prologue().uriPath().rawPath().startsWith("/")) {
            HttpSupport.json(res, 400, ApiError.Message.INVALID);
            return;
        }
        int lines = 0;
        long bytes = 0;
        for (var header : req.headers()) {
            int nameBytes = header.name().length();
            for (String value : header.allValues()) {
                lines++;
                bytes += nameBytes + 2 + value.length() + 2; // "Name: value\r\n", ISO-8859-1
            }
        }
        if (bytes > Limits.HEADERS_BYTES_MAX) {
            HttpSupport.json(res, 431, new ApiError.Message(
                    "The request headers are larger than " + Limits.HEADERS_BYTES_MAX + " bytes."));
            return;
        }
        if (lines > Limits.HEADER_COUNT_MAX) {
            HttpSupport.json(res, 431, new ApiError.Message(
                    "The request has more than " + Limits.HEADER_COUNT_MAX + " headers."));
            return;
        }
        chain.proceed();
    }
}
