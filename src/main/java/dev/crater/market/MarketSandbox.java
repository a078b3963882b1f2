package dev.crater.market;

import dev.crater.audit.AuditLog;
import dev.crater.reference.Security;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sandbox control of the simulated market: the operations behind both {@code crater admin market …}
 * and the operator routes ({@code /v1.0/crater/sandbox/market/…}), so the two cannot drift apart.
 * Every change is stored (every node picks it up within about a second; this process at once) and
 * audited with who made it. The market is one for the whole server: securities and the clock are
 * shared by every company.
 *
 * <p>Bad input is an {@link IllegalArgumentException} with a message for people; a change the
 * market's state does not allow (halting a halted security, resuming one that is not halted) is its
 * subclass {@link Conflict}.
 */
public final class MarketSandbox {

    /** Named limits: the highest price an operator may set, and the longest duration (either sign, 100 years). */
    public static final BigDecimal PRICE_MAX = BigDecimal.valueOf(1_000_000_000);
    public static final Duration DURATION_MAX = Duration.ofDays(36_525);
    /**
     * The range market time is kept in: the simulator's first trading day (2000-01-03) to the end of
     * its last date (2099-12-31), New York time; outside it there are no price paths or sessions.
     */
    public static final Instant MARKET_TIME_MIN = PathModel.FIRST_DAY.atStartOfDay(TradingCalendar.ZONE).toInstant();
    public static final Instant MARKET_TIME_END = PathModel.LAST_DAY.plusDays(1).atStartOfDay(TradingCalendar.ZONE)
            .toInstant();

    /** A change the market's current state refuses (409 over HTTP, exit code 2 in the CLI). */
    public static final class Conflict extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message);
        }
    }

    /** One point of a move: the price {@code after} this long from now. */
    public record PathStep(BigDecimal price, Duration after) {
    }

    /** How to change the market clock. */
    public sealed interface ClockChange {
        /** Move market time by {@code by} (negative: back). */
        record Jump(Duration by) implements ClockChange {
        }

        /** Set market time to {@code marketTime}. */
        record SetTo(Instant marketTime) implements ClockChange {
        }

        /** Market time = server time again. */
        record Reset() implements ClockChange {
        }

        /** Market time moves forward to the next regular-session open; unchanged while the regular session is open. */
        record ToOpen() implements ClockChange {
        }
    }

    /** The market clock: server time, the sandbox offset and market time (= server + offset), and its session. */
    public record ClockState(long serverMs, long offsetMs, long marketMs, Session session) {
    }

    private final Market market;
    private final MarketControlStore control;
    private final AuditLog audit;

    public MarketSandbox(Market market, MarketControlStore control, AuditLog audit) {
        this.market = market;
        this.control = control;
        this.audit = audit;
    }

    public Market market() {
        return market;
    }

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Parses {@code 90s}, {@code 10m}, {@code 2h}, {@code 3d} or ISO-8601 ({@code PT10M}); may be
     * negative; at most {@link #DURATION_MAX} either way.
     */
    public static Duration duration(String text) {
        String t = text == null ? "" : text.trim();
        Duration d;
        try {
            if (t.toUpperCase(Locale.ROOT).startsWith("P") || t.toUpperCase(Locale.ROOT).startsWith("-P")) {
                d = Duration.parse(t);
            } else {
                char unit = t.charAt(t.length() - 1);
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (unit) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new IllegalArgumentException("unknown unit");
                };
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + shown(t) + "' is not a duration (e.g. 90s, 10m, 2h, 3d, PT10M)");
        }
        if (d.abs().compareTo(DURATION_MAX) > 0) {
            throw new IllegalArgumentException("a duration is at most " + DURATION_MAX.toDays() + " days either way");
        }
        return d;
    }

    /** Parses a price: a positive decimal up to {@link #PRICE_MAX}. */
    public static BigDecimal price(String text) {
        try {
            return checkPrice(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + shown(text.trim()) + "' is not a price (a positive decimal up to 1e9)");
        }
    }

    /** {@code p} when it is a positive decimal up to {@link #PRICE_MAX}. */
    public static BigDecimal checkPrice(BigDecimal p) {
        if (p.signum() <= 0 || p.compareTo(PRICE_MAX) > 0) {
            throw new IllegalArgumentException("'" + shown(p.toPlainString()) + "' is not a price (a positive decimal up to 1e9)");
        }
        return p;
    }

    /** Parses an ISO-8601 instant ({@code 2026-11-23T14:30:00Z}, or with an offset). */
    public static Instant instant(String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + shown(text.trim())
                    + "' is not an ISO-8601 instant, e.g. 2026-11-23T14:30:00Z");
        }
    }

    private static String shown(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    public Optional<Security> find(String symbol) {
        return symbol == null || symbol.isBlank() ? Optional.empty()
                : market.securities().snapshot().bySymbol(symbol.trim());
    }

    public Security security(String symbol) {
        return find(symbol).orElseThrow(() -> new IllegalArgumentException("no security with symbol '" + symbol + "'"));
    }

    // ---- operations ----------------------------------------------------------------------------

    /** Jumps {@code x}'s price to {@code price} now; the simulated path goes on from there. Returns market time. */
    public long setPrice(AuditLog.Actor who, Security x, BigDecimal price) {
        checkPrice(price);
        market.refresh();
        long now = market.nowMs();
        control.add(new MarketEvent(0, x.id(), MarketEvent.Kind.SET, now, null, price, List.of()), now);
        market.refresh();
        audit.record(who.companyId(), who, AuditLog.Event.MARKET_PRICE_SET,
                x.symbol() + " set to " + price.toPlainString() + " at market time " + Instant.ofEpochMilli(now));
        return now;
    }

    /**
     * Moves {@code x}'s price along {@code steps} from its price now (linear between points); after
     * the last point the simulated path goes on from there. Offsets must be positive and increasing;
     * at most {@link MarketEvent#POINTS_MAX} points with the start. Returns the stored points.
     */
    public List<MarketEvent.Point> move(AuditLog.Actor who, Security x, List<PathStep> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a move needs at least one point");
        }
        if (steps.size() + 1 > MarketEvent.POINTS_MAX) {
            throw new IllegalArgumentException("a path has at most " + MarketEvent.POINTS_MAX + " points");
        }
        Duration previous = Duration.ZERO;
        for (PathStep step : steps) {
            checkPrice(step.price());
            if (step.after().compareTo(previous) <= 0 || step.after().compareTo(DURATION_MAX) > 0) {
                throw new IllegalArgumentException("path offsets must be positive and increasing");
            }
            previous = step.after();
        }
        market.refresh();
        long now = market.nowMs();
        List<MarketEvent.Point> points = new ArrayList<>();
        points.add(new MarketEvent.Point(now, market.price(x, now)));
        for (PathStep step : steps) {
            points.add(new MarketEvent.Point(now + step.after().toMillis(), step.price()));
        }
        control.add(new MarketEvent(0, x.id(), MarketEvent.Kind.PATH, now, null, null, points), now);
        market.refresh();
        MarketEvent.Point last = points.getLast();
        audit.record(who.companyId(), who, AuditLog.Event.MARKET_MOVED, x.symbol() + " moves along " + steps.size()
                + " point(s) from " + Instant.ofEpochMilli(now) + " to " + last.price().toPlainString() + " at "
                + Instant.ofEpochMilli(last.atMs()));
        return List.copyOf(points);
    }

    /** Halts trading in {@code x} now: its price stands still until resumed. Returns market time. */
    public long halt(AuditLog.Actor who, Security x) {
        market.refresh();
        long now = market.nowMs();
        if (market.halted(x, now)) {
            throw new Conflict(x.symbol() + " is halted already");
        }
        control.add(new MarketEvent(0, x.id(), MarketEvent.Kind.HALT, now, null, null, List.of()), now);
        market.refresh();
        audit.record(who.companyId(), who, AuditLog.Event.MARKET_HALTED,
                x.symbol() + " halted at market time " + Instant.ofEpochMilli(now));
        return now;
    }

    /** Ends {@code x}'s open halt now. Returns market time. */
    public long resume(AuditLog.Actor who, Security x) {
        market.refresh();
        long now = market.nowMs();
        if (!control.resume(x.id(), now)) {
            throw new Conflict(x.symbol() + " is not halted");
        }
        market.refresh();
        audit.record(who.companyId(), who, AuditLog.Event.MARKET_RESUMED,
                x.symbol() + " resumed at market time " + Instant.ofEpochMilli(now));
        return now;
    }

    /** Forgets every sandbox event of {@code x}: it follows its plain simulated path again. Returns how many. */
    public int clear(AuditLog.Actor who, Security x) {
        int removed = control.clear(x.id());
        market.refresh();
        audit.record(who.companyId(), who, AuditLog.Event.MARKET_CLEARED,
                "removed " + removed + " event(s) of " + x.symbol());
        return removed;
    }

    /** The market clock now. */
    public ClockState clock() {
        market.refresh();
        return state(control.clockOffset());
    }

    /**
     * Changes the market clock (for every company: there is one market). The resulting market time
     * must lie in [{@link #MARKET_TIME_MIN}, {@link #MARKET_TIME_END}).
     */
    public ClockState clock(AuditLog.Actor who, ClockChange change) {
        long before = control.clockOffset();
        long server = market.clock().base().millis();
        long offset = switch (change) {
            case ClockChange.Reset r -> 0;
            case ClockChange.SetTo s -> s.marketTime().toEpochMilli() - server;
            case ClockChange.ToOpen o -> market.session(server + before) == Session.REGULAR ? before
                    : market.calendar().nextRegularOpen(Instant.ofEpochMilli(server + before)).toEpochMilli() - server;
            case ClockChange.Jump j -> {
                if (j.by().abs().compareTo(DURATION_MAX) > 0) {
                    throw new IllegalArgumentException("a jump is at most " + DURATION_MAX.toDays() + " days either way");
                }
                yield before + j.by().toMillis();
            }
        };
        long marketMs = server + offset;
        if (!(change instanceof ClockChange.Reset)
                && (marketMs < MARKET_TIME_MIN.toEpochMilli() || marketMs >= MARKET_TIME_END.toEpochMilli())) {
            throw new IllegalArgumentException("market time " + Instant.ofEpochMilli(marketMs) + " is outside the "
                    + "simulated range " + MARKET_TIME_MIN + " to " + MARKET_TIME_END);
        }
        control.setClockOffset(offset);
        market.refresh();
        ClockState state = state(offset, server);
        audit.record(who.companyId(), who, AuditLog.Event.MARKET_CLOCK_SET, "offset " + Duration.ofMillis(before)
                + " -> " + Duration.ofMillis(offset) + ", market time " + Instant.ofEpochMilli(state.marketMs()));
        return state;
    }

    private ClockState state(long offset) {
        return state(offset, market.clock().base().millis());
    }

    private ClockState state(long offset, long server) {
        long marketMs = server + offset;
        return new ClockState(server, offset, marketMs, market.session(marketMs));
    }
}
