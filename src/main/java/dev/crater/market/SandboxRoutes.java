package dev.crater.market;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.audit.AuditLog;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import dev.crater.operators.OperatorGuard;
import dev.crater.reference.Security;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Crater additions for operators (not in the vendor API): sandbox control of the simulated market
 * over HTTP, the same operations as {@code crater admin market set-price|move|halt|resume|clear|clock}
 * (both run {@link MarketSandbox}). Every route needs an operator key ({@link OperatorGuard}); the
 * market is shared by all companies, so any company's key may change it, and every change is audited
 * with the key's id and name.
 *
 * <p>Bodies are JSON objects (keys in any case). Bad input is 400 with the documented ModelState
 * body under {@code request.<Field>}; an unknown symbol 404; a halt of a halted security or a resume
 * of one that is not halted 409.
 */
public final class SandboxRoutes implements HttpService {

    /** Under {@link OperatorGuard#PATH} (where App registers these routes). */
    static final String BASE = "/market";
    private static final String ARG = "request";

    private final OperatorGuard guard;
    private final MarketSandbox sandbox;

    public SandboxRoutes(OperatorGuard guard, MarketSandbox sandbox) {
        this.guard = guard;
        this.sandbox = sandbox;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(BASE + "/set-price[/]", guard, this::setPrice)
                .post(BASE + "/move[/]", guard, this::move)
                .post(BASE + "/halt[/]", guard, this::halt)
                .post(BASE + "/resume[/]", guard, this::resume)
                .post(BASE + "/clear[/]", guard, this::clear)
                .get(BASE + "/clock[/]", guard, this::clock)
                .post(BASE + "/clock[/]", guard, this::setClock);
    }

    // ---- models --------------------------------------------------------------------------------

    /** A security's quote, exact decimals at its tick. */
    @JsonPropertyOrder({"Symbol", "SecurityId", "Time", "Bid", "Ask", "Last", "Session", "IsHalted"})
    public record SandboxQuote(String symbol, int securityId, String time, BigDecimal bid, BigDecimal ask,
            BigDecimal last, String session, boolean isHalted) {
        static SandboxQuote of(Quote q) {
            return new SandboxQuote(q.symbol(), q.securityId(), Dates.iso(q.timeMs()), q.bid(), q.ask(), q.last(),
                    MarketStatus.name(q.session()), q.halted());
        }
    }

    /** A point of a move: the price at a market time. */
    @JsonPropertyOrder({"Time", "Price"})
    public record PathPoint(String time, BigDecimal price) {
    }

    /**
     * What an operation did: the security, when (market time), the change's details where it has
     * them (fields an operation has no value for are left out), and the security's quote at the first
     * whole second of market time the change is in force (quotes are per second).
     */
    @JsonPropertyOrder({"Symbol", "Operation", "MarketTime", "Price", "Points", "EventsRemoved", "Quote"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Change(String symbol, String operation, String marketTime, BigDecimal price, List<PathPoint> points,
            Integer eventsRemoved, SandboxQuote quote) {
    }

    /** The market clock. */
    @JsonPropertyOrder({"ServerTime", "MarketTime", "ClockOffsetMs", "Session"})
    public record Clock(String serverTime, String marketTime, long clockOffsetMs, String session) {
        static Clock of(MarketSandbox.ClockState c) {
            return new Clock(Dates.iso(c.serverMs()), Dates.iso(c.marketMs()), c.offsetMs(), MarketStatus.name(c.session()));
        }
    }

    // ---- handlers ------------------------------------------------------------------------------

    private void setPrice(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        Security x = security(body);
        BigDecimal price = body.decimal("Price").orElseThrow(() -> body.invalidField("Price", "Price is required."));
        long at = apply(body, "Price", () -> sandbox.setPrice(actor(req), x, price));
        answer(res, new Change(x.symbol(), "SetPrice", Dates.iso(at), price, null, null, quote(x, at)));
    }

    /** {@code {"Symbol", "To", "Over"}} or {@code {"Symbol", "Path": [{"Price", "After"}, …]}}. */
    private void move(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        Security x = security(body);
        List<MarketSandbox.PathStep> steps = new ArrayList<>();
        String field;
        if (body.has("Path")) {
            if (body.has("To") || body.has("Over")) {
                throw body.invalidField("Path", "Give To and Over, or Path, not both.");
            }
            field = "Path";
            List<JsonBody> points = body.objects("Path", MarketEvent.POINTS_MAX - 1).orElseThrow();
            for (JsonBody p : points) {
                BigDecimal price = p.decimal("Price").orElseThrow(() -> p.invalidField("Price", "Price is required."));
                String after = p.text("After").orElseThrow(() -> p.invalidField("After",
                        "After is required (how long from now, e.g. 5m)."));
                steps.add(new MarketSandbox.PathStep(price, duration(p, "After", after)));
            }
        } else if (body.has("To") && body.has("Over")) {
            field = "To";
            BigDecimal to = body.decimal("To").orElseThrow();
            String over = body.text("Over").orElseThrow();
            steps.add(new MarketSandbox.PathStep(to, duration(body, "Over", over)));
        } else {
            throw body.invalidField("To", "Give To and Over (e.g. \"To\": 260, \"Over\": \"10m\"), or Path.");
        }
        List<MarketEvent.Point> points = apply(body, field, () -> sandbox.move(actor(req), x, steps));
        List<PathPoint> out = points.stream().map(p -> new PathPoint(Dates.iso(p.atMs()), p.price())).toList();
        long at = points.getFirst().atMs();
        answer(res, new Change(x.symbol(), "Move", Dates.iso(at), null, out, null, quote(x, at)));
    }

    private void halt(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        Security x = security(body);
        long at = apply(body, "Symbol", () -> sandbox.halt(actor(req), x));
        answer(res, new Change(x.symbol(), "Halt", Dates.iso(at), null, null, null, quote(x, at)));
    }

    private void resume(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        Security x = security(body);
        long at = apply(body, "Symbol", () -> sandbox.resume(actor(req), x));
        answer(res, new Change(x.symbol(), "Resume", Dates.iso(at), null, null, null, quote(x, at)));
    }

    private void clear(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        Security x = security(body);
        int removed = apply(body, "Symbol", () -> sandbox.clear(actor(req), x));
        long at = sandbox.market().nowMs();
        answer(res, new Change(x.symbol(), "Clear", Dates.iso(at), null, null, removed, quote(x, at)));
    }

    private void clock(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, Clock.of(sandbox.clock()));
    }

    /**
     * Exactly one of {@code {"Jump": "2h"}}, {@code {"Set": "2026-11-23T14:30:00Z"}}, {@code {"ToOpen": true}}
     * (the next regular-session open) or {@code {"Reset": true}}.
     */
    private void setClock(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        int given = (body.has("Jump") ? 1 : 0) + (body.has("Set") ? 1 : 0) + (body.has("Reset") ? 1 : 0)
                + (body.has("ToOpen") ? 1 : 0);
        if (given != 1) {
            throw body.invalidField("Jump", "Give exactly one of Jump (e.g. \"2h\", \"-1d\"), Set (an ISO-8601 "
                    + "instant), ToOpen (true) or Reset (true).");
        }
        MarketSandbox.ClockChange change;
        String field;
        if (body.has("Jump")) {
            field = "Jump";
            change = new MarketSandbox.ClockChange.Jump(duration(body, "Jump", body.text("Jump").orElseThrow()));
        } else if (body.has("Set")) {
            field = "Set";
            String set = body.text("Set").orElseThrow();
            change = new MarketSandbox.ClockChange.SetTo(apply(body, field, () -> MarketSandbox.instant(set)));
        } else if (body.has("ToOpen")) {
            field = "ToOpen";
            if (!body.bool("ToOpen").orElseThrow()) {
                throw body.invalidField("ToOpen", "ToOpen must be true (give Jump or Set to move the clock).");
            }
            change = new MarketSandbox.ClockChange.ToOpen();
        } else {
            field = "Reset";
            if (!body.bool("Reset").orElseThrow()) {
                throw body.invalidField("Reset", "Reset must be true (give Jump or Set to move the clock).");
            }
            change = new MarketSandbox.ClockChange.Reset();
        }
        MarketSandbox.ClockState state = apply(body, field, () -> sandbox.clock(actor(req), change));
        HttpSupport.json(res, 200, Clock.of(state));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static AuditLog.Actor actor(ServerRequest req) {
        return OperatorGuard.actor(req);
    }

    private Security security(JsonBody body) {
        String symbol = body.text("Symbol").filter(s -> !s.isEmpty())
                .orElseThrow(() -> body.invalidField("Symbol", "Symbol is required."));
        return sandbox.find(symbol).orElseThrow(() -> new ApiException(404, new ApiError.Message(
                "No security with symbol '" + (symbol.length() <= 40 ? symbol : symbol.substring(0, 40) + "…") + "'.")));
    }

    private static Duration duration(JsonBody body, String field, String text) {
        try {
            return MarketSandbox.duration(text);
        } catch (IllegalArgumentException e) {
            throw body.invalidField(field, e.getMessage());
        }
    }

    /** Runs an operation: a {@link MarketSandbox.Conflict} is 409, other refusals 400 under {@code field}. */
    private static <T> T apply(JsonBody body, String field, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (MarketSandbox.Conflict e) {
            throw new ApiException(409, new ApiError.Message(e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw body.invalidField(field, e.getMessage());
        }
    }

    private SandboxQuote quote(Security x, long atMs) {
        return SandboxQuote.of(sandbox.market().quoteAt(x, Math.floorDiv(atMs + 999, 1000) * 1000));
    }

    private static void answer(ServerResponse res, Change change) {
        HttpSupport.json(res, 200, change);
    }
}
