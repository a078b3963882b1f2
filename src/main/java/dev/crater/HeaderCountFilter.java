package dev.crater;

import dev.crater.http.ApiError;
import dev.crater.http.HttpSupport;
import dev.crater.http.Limits;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/** Refuses requests with more than {@link Limits#HEADER_COUNT_MAX} header lines (431). */
final class HeaderCountFilter implements Filter {
    static final HeaderCountFilter INSTANCE = new HeaderCountFilter();

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.headers().size() > Limits.HEADER_COUNT_MAX) {
            HttpSupport.json(res, 431, new ApiError.Message(
                    "The request has more than " + Limits.HEADER_COUNT_MAX + " headers."));
            return;
        }
        chain.proceed();
    }
}
