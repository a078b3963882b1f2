package dev.crater.alerts;

import dev.crater.alerts.PriceAlertModels.PriceAlertEditableModel;
import dev.crater.alerts.PriceAlertModels.PriceAlertInfoModel;
import dev.crater.common.Refusal;
import dev.crater.securities.OptionChains;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Price alerts (reference 08-price-alerts.md): create, read, list, modify and delete, stored by
 * {@link AlertStore} and armed in the {@link AlertMonitor} at once. A body without {@code Field},
 * {@code Operator} (and, on create, {@code SecurityId} or {@code Argument}) is the documented 409;
 * values out of range are a 422 ModelState under {@code model.<Field>}; an unknown alert is a 409
 * like an unknown watchlist.
 */
public final class AlertService {

    /** Named limits. */
    public static final int ALERTS_PER_USER_MAX = 500;
    public static final int PAGE_SIZE_MAX = 100;
    public static final BigDecimal ARGUMENT_MAX = BigDecimal.valueOf(1_000_000_000);
    public static final int ARGUMENT_SCALE_MAX = AlertIndex.PRICE_SCALE;
    public static final long LIFETIME_DAYS_MAX = 730;

    /** The latest Unix second of year 9999 (a value above it is read as .NET ticks, the docs' word). */
    static final long UNIX_SECONDS_MAX = 253_402_300_799L;
    /** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
    static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;
    static final long TICKS_PER_MS = 10_000;

    static final String SECURITY_NOT_FOUND = "Security was not found";

    /** The {@code sortBy} values: the PriceAlertInfoModel fields. */
    static final Map<String, Comparator<PriceAlertInfoModel>> SORTS = Map.of(
            "id", Comparator.comparingLong(PriceAlertInfoModel::id),
            "state", Comparator.comparing(PriceAlertInfoModel::state),
            "createddate", Comparator.comparingLong(PriceAlertInfoModel::createdDate),
            "operator", Comparator.comparing(m -> m.operator().name()),
            "securityid", Comparator.comparingInt(PriceAlertInfoModel::securityId),
            "symbol", Comparator.comparing(PriceAlertInfoModel::symbol, Comparator.nullsFirst(Comparator.naturalOrder())),
            "field", Comparator.comparing(m -> m.field().name()),
            "argument", Comparator.comparing(PriceAlertInfoModel::argument),
            "expirationdate", Comparator.comparingLong(PriceAlertInfoModel::expirationDate));

    private final AlertStore store;
    private final AlertMonitor monitor;
    private final Securities securities;
    private final OptionChains options;
    private final InstantSource clock;

    public AlertService(AlertStore store, AlertMonitor monitor, Securities securities, OptionChains options,
            InstantSource clock) {
        this.store = store;
        this.monitor = monitor;
        this.securities = securities;
        this.options = options;
        this.clock = clock;
    }

    public AlertMonitor monitor() {
        return monitor;
    }

    /**
     * Creates an alert ({@code State} New unless Stopped is asked for) and arms it.
     *
     * @throws Refusal.Conflict (409) for a missing required field, an unknown security or too many
     *     alerts; 422 for a value out of range
     */
    public PriceAlertInfoModel create(long userId, PriceAlertEditableModel body) {
        long nowMs = clock.millis();
        PriceAlert.Field field = field(required(body.field(), "Field"));
        PriceAlert.Operator operator = operator(required(body.operator(), "Operator"));
        int securityId = security(required(body.securityId(), "SecurityId"));
        if (body.argument() == null) {
            throw missing("Argument");
        }
        BigDecimal argument = argument(body.argument());
        PriceAlert.State state = body.state() == null || body.state().isBlank() ? PriceAlert.State.New
                : settableState(body.state());
        long expiresAtMs = expiration(body.expirationDate(), nowMs, 0);
        if (expiresAtMs > 0 && expiresAtMs <= nowMs) {
            throw Refusal.invalid("model.ExpirationDate", "ExpirationDate must be in the future.");
        }
        PriceAlert draft = new PriceAlert(0, userId, securityId, field, operator, argument, state, 1, expiresAtMs,
                nowMs, nowMs, null, null);
        AlertStore.Inserted inserted = store.insert(draft, ALERTS_PER_USER_MAX);
        if (inserted.limited()) {
            throw conflict("A user can have at most " + ALERTS_PER_USER_MAX
                    + " price alerts; delete completed or expired ones first.");
        }
        monitor.changed(inserted.alert());
        return model(inserted.alert());
    }

    /** One of the user's alerts (expired ones are moved to Expired first). */
    public PriceAlertInfoModel get(long userId, long id) {
        monitor.expireUser(userId);
        return model(store.byId(userId, id).orElseThrow(() -> notFound(id)));
    }

    /**
     * Every alert of the user, sorted by {@code sortBy} (a PriceAlertInfoModel field, any case;
     * ties by Id).
     *
     * @throws Refusal.Invalid (422) for an unknown {@code sortBy}
     */
    public List<PriceAlertInfoModel> list(long userId, String sortBy, boolean desc) {
        Comparator<PriceAlertInfoModel> order = SORTS.get(sortBy.trim().toLowerCase(Locale.ROOT));
        if (order == null) {
            throw Refusal.invalid("sortBy", "sortBy must be one of Id, State, CreatedDate, Operator, "
                    + "SecurityId, Symbol, Field, Argument, ExpirationDate.");
        }
        monitor.expireUser(userId);
        List<PriceAlertInfoModel> out = new ArrayList<>();
        for (PriceAlert a : store.ofUser(userId)) {
            out.add(model(a));
        }
        out.sort((desc ? order.reversed() : order).thenComparingLong(PriceAlertInfoModel::id));
        return out;
    }

    /**
     * Replaces the fields the body gives ({@code Field} and {@code Operator} are required, the rest
     * keep their values when absent); {@code State} New re-arms a fired, expired or stopped alert.
     *
     * @throws Refusal.Conflict (409) for an unknown alert, a missing required field or an unknown
     *     security; 422 for a value out of range
     */
    public PriceAlertInfoModel modify(long userId, long id, PriceAlertEditableModel body) {
        long nowMs = clock.millis();
        PriceAlert.Field field = field(required(body.field(), "Field"));
        PriceAlert.Operator operator = operator(required(body.operator(), "Operator"));
        monitor.expireUser(userId);
        PriceAlert current = store.byId(userId, id).orElseThrow(() -> notFound(id));
        int securityId = body.securityId() == null || body.securityId().isBlank() ? current.securityId()
                : security(body.securityId());
        BigDecimal argument = body.argument() == null ? current.argument() : argument(body.argument());
        PriceAlert.State state = body.state() == null || body.state().isBlank() ? current.state()
                : settableState(body.state());
        long expiresAtMs = expiration(body.expirationDate(), nowMs, current.expiresAtMs());
        if (state == PriceAlert.State.New && expiresAtMs > 0 && expiresAtMs <= nowMs) {
            throw Refusal.invalid("model.ExpirationDate",
                    "ExpirationDate must be in the future for an alert in State New.");
        }
        PriceAlert changed = new PriceAlert(id, userId, securityId, field, operator, argument, state,
                current.revision(), expiresAtMs, current.createdAtMs(), nowMs, current.firedAtMs(), current.firedPrice());
        PriceAlert stored = store.update(changed, nowMs).orElseThrow(() -> notFound(id));
        monitor.changed(stored);
        return model(stored);
    }

    /** Deletes one of the user's alerts. */
    public void delete(long userId, long id) {
        if (!store.delete(userId, id)) {
            throw notFound(id);
        }
        monitor.removed(id);
    }

    // ---- validation ----------------------------------------------------------------------------

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw missing(name);
        }
        return value.trim();
    }

    private static Refusal missing(String name) {
        return conflict("The request is missing the required parameter '" + name + "'.");
    }

    static PriceAlert.Field field(String text) {
        return named(PriceAlert.Field.values(), text, "model.Field");
    }

    static PriceAlert.Operator operator(String text) {
        return named(PriceAlert.Operator.values(), text, "model.Operator");
    }

    private static PriceAlert.State settableState(String text) {
        PriceAlert.State state = named(PriceAlert.State.values(), text.trim(), "model.State");
        if (state != PriceAlert.State.New && state != PriceAlert.State.Stopped) {
            throw Refusal.invalid("model.State", "State can be set to New or Stopped; Expired and Completed "
                    + "are set by the server.");
        }
        return state;
    }

    /** An enum constant by name (any case) or documented number (the ordinal). */
    private static <E extends Enum<E>> E named(E[] values, String text, String key) {
        for (E e : values) {
            if (e.name().equalsIgnoreCase(text) || String.valueOf(e.ordinal()).equals(text)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : values) {
            names.add(e.name());
        }
        throw Refusal.invalid(key, key.substring("model.".length()) + " must be one of "
                + String.join(", ", names) + ".");
    }

    private int security(String text) {
        long id;
        try {
            id = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("model.SecurityId", "The value '" + abbreviate(text)
                    + "' is not valid for Int32.");
        }
        if (id < 0 || id > Integer.MAX_VALUE) {
            throw Refusal.invalid("model.SecurityId", "SecurityId must be between 0 and 2147483647.");
        }
        boolean known = OptionChains.isOptionId(id) ? options.byId(id).isPresent()
                : securities.snapshot().byId((int) id).filter(Security::enabled).isPresent();
        if (!known) {
            throw conflict(SECURITY_NOT_FOUND);
        }
        return (int) id;
    }

    private static BigDecimal argument(BigDecimal value) {
        if (value.signum() < 0) {
            throw Refusal.invalid("model.Argument", "Argument must be at least 0.");
        }
        if (value.compareTo(ARGUMENT_MAX) > 0) {
            throw Refusal.invalid("model.Argument", "Argument must be at most " + ARGUMENT_MAX + ".");
        }
        BigDecimal plain = value.stripTrailingZeros();
        if (plain.scale() > ARGUMENT_SCALE_MAX) {
            throw Refusal.invalid("model.Argument", "Argument has at most " + ARGUMENT_SCALE_MAX
                    + " decimal places.");
        }
        return plain.scale() < 0 ? plain.setScale(0) : plain;
    }

    /**
     * The expiry in epoch ms: absent keeps {@code keepMs}; 0 means never; Unix seconds, or .NET
     * ticks (the docs' word) for values past year 9999 in seconds; within {@link #LIFETIME_DAYS_MAX}.
     */
    static long expiration(String text, long nowMs, long keepMs) {
        if (text == null || text.isBlank()) {
            return keepMs;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("model.ExpirationDate", "The value '" + abbreviate(text)
                    + "' is not valid for Int64.");
        }
        if (value == 0) {
            return 0;
        }
        long ms;
        if (value > 0 && value <= UNIX_SECONDS_MAX) {
            ms = value * 1000;
        } else if (value >= TICKS_AT_EPOCH) {
            ms = (value - TICKS_AT_EPOCH) / TICKS_PER_MS;
        } else {
            throw Refusal.invalid("model.ExpirationDate", "ExpirationDate must be Unix seconds.");
        }
        if (ms > nowMs + LIFETIME_DAYS_MAX * 86_400_000L) {
            throw Refusal.invalid("model.ExpirationDate", "ExpirationDate must be at most "
                    + LIFETIME_DAYS_MAX + " days ahead.");
        }
        return ms;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    // ---- answers -------------------------------------------------------------------------------

    PriceAlertInfoModel model(PriceAlert a) {
        return new PriceAlertInfoModel(a.id(), a.state(), Math.floorDiv(a.createdAtMs(), 1000), a.operator(),
                a.securityId(), symbol(a.securityId()).orElse(null), a.field(), a.argument(),
                Math.floorDiv(a.expiresAtMs(), 1000));
    }

    private Optional<String> symbol(int securityId) {
        if (OptionChains.isOptionId(securityId)) {
            return options.byId(securityId).map(c -> c.symbol());
        }
        return securities.snapshot().byId(securityId).map(Security::symbol);
    }

    static Refusal conflict(String message) {
        return new Refusal.Conflict(message);
    }

    static Refusal notFound(long id) {
        return conflict("Price alert " + id + " does not exist.");
    }
}
