package dev.crater.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.config.PublicUrl;
import dev.crater.store.Filter;
import dev.crater.store.FilterException;
import dev.crater.store.FilterParser;
import dev.crater.store.PagedQuery;
import io.helidon.webserver.http.ServerRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The documented paging parameters (reference 00-conventions.md §4) and the {@code PagingResult}
 * answer. {@code pageNumber} is 0-based; required parameters that are missing make the route not
 * match (404 "No HTTP resource was found…", as documented); malformed values are a 422 ModelState;
 * an invalid {@code filter} is a 400 naming the position.
 *
 * @param sortField null when not given
 */
public record Paging(int pageNumber, int pageSize, String sortField, boolean desc, Optional<Filter> filter) {

    /** Named limit: the deepest page a client may ask for. */
    public static final int PAGE_NUMBER_MAX = 1_000_000;

    /** Parameter names differ by endpoint family. */
    public record Names(String pageNumber, String pageSize, String sortField, String desc, boolean sortRequired) {
        public static final Names LISTS = new Names("pageNumber", "pageSize", "sortField", "desc", true);
        public static final Names ORDERS = new Names("pageNumber", "pageSize", "sortField", "desc", false);
        public static final Names SORT_BY = new Names("pageNumber", "pageSize", "sortBy", "isDesc", true);
    }

    /** {@code {Result, NextPageLink, PreviousPageLink, TotalCount}}. */
    @JsonPropertyOrder({"Result", "NextPageLink", "PreviousPageLink", "TotalCount"})
    public record Result<T>(List<T> result, String nextPageLink, String previousPageLink, int totalCount) {
    }

    /** The request as the store's paged list query takes it. */
    public PagedQuery.Request request() {
        return new PagedQuery.Request(filter, sortField, desc, pageNumber, pageSize);
    }

    public static Paging read(ServerRequest req, Names names, int pageSizeMax) {
        String number = required(req, names.pageNumber());
        String size = required(req, names.pageSize());
        String sort = names.sortRequired() ? required(req, names.sortField())
                : HttpSupport.query(req, names.sortField()).orElse(null);
        String desc = names.sortRequired() ? required(req, names.desc())
                : HttpSupport.query(req, names.desc()).orElse("false");
        int pageNumber = integer(names.pageNumber(), number, 0, PAGE_NUMBER_MAX);
        int pageSize = integer(names.pageSize(), size, 1, pageSizeMax);
        boolean isDesc = bool(names.desc(), desc);
        return new Paging(pageNumber, pageSize, sort, isDesc, filter(req));
    }

    /** The parsed {@code filter} query parameter, if any; 400 with the position when invalid. */
    public static Optional<Filter> filter(ServerRequest req) {
        Optional<String> text = HttpSupport.query(req, "filter");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(FilterParser.parse(text.get()));
        } catch (FilterException e) {
            throw invalidFilter(e);
        }
    }

    public static ApiException invalidFilter(FilterException e) {
        String message = e.getMessage();
        if (!message.startsWith("Invalid filter")) {
            message = "Invalid filter at position " + e.position() + ": " + message;
        }
        return new ApiException(400, new ApiError.Message(message));
    }

    /** A required query parameter; absent makes the route not match, as the docs show. */
    public static String required(ServerRequest req, String name) {
        return HttpSupport.query(req, name).orElseThrow(() -> noRoute(req));
    }

    public static ApiException noRoute(ServerRequest req) {
        return new ApiException(404, ApiError.Message.noRoute(PublicUrl.of(req).requestUri(req)));
    }

    public static int integer(String name, String text, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw PathIds.notInt32(text, name);
        }
        if (value < min || value > max) {
            throw ApiException.modelState(name, "The value " + value + " must be between " + min + " and " + max + ".");
        }
        return value;
    }

    public static boolean bool(String name, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.modelState(name, "The value '" + text + "' is not valid for Boolean.");
        };
    }

    /** The page of {@code all} this request asks for, with links to its neighbours. */
    public <T> Result<T> page(List<T> all, ServerRequest req) {
        int total = all.size();
        long from = (long) pageNumber * pageSize;
        List<T> page = from >= total ? List.of()
                : new ArrayList<>(all.subList((int) from, (int) Math.min(total, from + pageSize)));
        return result(page, total, req);
    }

    /** A result for a page already cut, with {@code total} matching items in all. */
    public <T> Result<T> result(List<T> page, int total, ServerRequest req) {
        boolean hasNext = (long) (pageNumber + 1) * pageSize < total;
        boolean hasPrevious = pageNumber > 0 && total > 0;
        return new Result<>(page, hasNext ? link(req, pageNumber + 1) : "",
                hasPrevious ? link(req, Math.min(pageNumber - 1, (total - 1) / pageSize)) : "",
                total);
    }

    /**
     * The request's absolute URL with another {@code pageNumber}, under the server's public base
     * ({@link PublicUrl}; never the request's {@code Host} header).
     */
    static String link(ServerRequest req, int page) {
        String base = PublicUrl.of(req).base();
        StringBuilder query = new StringBuilder();
        boolean seenPage = false;
        for (String name : req.query().names()) {
            for (String value : req.query().all(name)) {
                if (name.equalsIgnoreCase("pageNumber")) {
                    if (seenPage) {
                        continue;
                    }
                    value = String.valueOf(page);
                    seenPage = true;
                }
                query.append(query.isEmpty() ? "" : "&").append(encode(name)).append('=').append(encode(value));
            }
        }
        return base + req.path().absolute().rawPath() + "?" + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
