package dev.crater.market;

import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Crater additions (the vendor API has no market-hours call): {@code GET /v1.0/crater/market/status}
 * and {@code GET /v1.0/crater/market/calendar?from=&to=}, for any trader with an app key and a bearer
 * token (registered behind the API guard). See {@link MarketStatus} for what they answer.
 */
public final class MarketStatusRoutes implements HttpService {

    static final String BASE = "/crater/market";

    private final MarketStatus status;

    public MarketStatusRoutes(MarketStatus status) {
        this.status = status;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(BASE + "/status[/]", this::status)
                .get(BASE + "/calendar[/]", this::calendar);
    }

    private void status(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, status.now());
    }

    private void calendar(ServerRequest req, ServerResponse res) {
        Optional<LocalDate> from = HttpSupport.query(req, "from").map(t -> date(t, "from"));
        Optional<LocalDate> to = HttpSupport.query(req, "to").map(t -> date(t, "to"));
        // Without from: the 30 days up to `to`, or from today's market date; without to: 30 days from `from`.
        LocalDate first = from.orElseGet(() -> to.map(d -> max(d.minusDays(MarketStatus.CALENDAR_DAYS_DEFAULT - 1),
                MarketStatus.CALENDAR_FIRST)).orElseGet(() -> inRange(status.marketDate())));
        LocalDate last = to.orElseGet(() -> min(first.plusDays(MarketStatus.CALENDAR_DAYS_DEFAULT - 1),
                MarketStatus.CALENDAR_LAST));
        MarketStatus.Calendar answer;
        try {
            answer = status.calendar(first, last);
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("to", e.getMessage());
        }
        HttpSupport.json(res, 200, answer);
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    private static LocalDate inRange(LocalDate d) {
        return min(max(d, MarketStatus.CALENDAR_FIRST), MarketStatus.CALENDAR_LAST);
    }

    /**
     * A calendar date: {@code 2026-11-26}, or as the docs write dates, {@code 2026-11-26T00:00:00Z}
     * (any ISO-8601 date-time at midnight UTC; other times of day are refused as ambiguous).
     */
    static LocalDate date(String text, String name) {
        String t = text.trim();
        String shown = t.length() <= 40 ? t : t.substring(0, 40) + "…";
        LocalDate d = parse(t);
        if (d == null) {
            throw JsonBody.invalid(name, "The value '" + shown + "' is not a date: use 2026-11-26 or 2026-11-26T00:00:00Z.");
        }
        if (d.isBefore(MarketStatus.CALENDAR_FIRST) || d.isAfter(MarketStatus.CALENDAR_LAST)) {
            throw JsonBody.invalid(name, "The date " + d + " is outside " + MarketStatus.CALENDAR_FIRST + " to "
                    + MarketStatus.CALENDAR_LAST + ".");
        }
        return d;
    }

    private static LocalDate parse(String t) {
        try {
            return LocalDate.parse(t);
        } catch (DateTimeParseException e) {
            try {
                Instant at = Instant.parse(t);
                if (LocalTime.ofInstant(at, ZoneOffset.UTC).equals(LocalTime.MIDNIGHT)) {
                    return LocalDate.ofInstant(at, ZoneOffset.UTC);
                }
            } catch (java.time.DateTimeException e2) {
                // not a date
            }
            return null;
        }
    }
}
