package dev.crater.orders;

import dev.crater.common.Refusal;
import dev.crater.market.Session;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.OrderLimits;
import dev.crater.orders.engine.OrderType;
import dev.crater.orders.engine.Side;
import dev.crater.orders.engine.TimeInForce;
import dev.crater.orders.engine.TrailType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The documented order request bodies (reference 04-orders.md §2 and §5) and the reading of their
 * values: enums by name (any case), documented number, or the common abbreviations clients send
 * ({@code "GTC"} in the docs' own curl sample); prices and quantities as exact decimals. A value
 * that cannot be read is a 422 ModelState keyed {@code placeParams.<Field>} (create) or
 * {@code modifyParams.<Field>} (replace), as documented.
 */
public final class OrderRequests {

    /** Named limits. */
    public static final int CLIENT_ID_CHARS_MAX = 64;
    public static final int COMMENT_CHARS_MAX = 500;
    public static final int EXECUTION_INSTRUCTIONS_MAX = 20;
    public static final BigDecimal PRICE_MAX = new BigDecimal("1000000");

    private OrderRequests() {
    }

    /**
     * {@code CreateOrderResource}; {@code TimeInforce} keeps the documented spelling (keys match in any case).
     * {@code ParentId} (a spec property) must be 0 or absent: dependent orders are sent as {@code Legs}.
     */
    public record CreateOrderResource(String symbol, String clientId, String type, String side, BigDecimal quantity,
            BigDecimal price, BigDecimal stopPrice, String timeInforce, String expireDate, String execInst,
            String exchange, String extendedHours, BigDecimal trailingStopAmount, String trailingStopAmountType,
            BigDecimal trailingLimitAmount, String trailingLimitAmountType, Map<String, String> executionInstructions,
            List<CreateOrderResource> legs, String token, Integer validationsToBypass, String comment,
            Integer parentId) {
    }

    /**
     * {@code ModifyOrderResource}. {@code Type} (a spec property) is read so that a value of the wrong type is
     * refused like any other, and otherwise ignored: a replace keeps the order's type.
     */
    public record ModifyOrderResource(Integer id, BigDecimal quantity, BigDecimal price, BigDecimal stopPrice,
            Map<String, String> executionInstructions, List<ModifyOrderResource> legs, String clientId,
            String expireDate, BigDecimal trailingStopAmount, String trailingStopAmountType,
            BigDecimal trailingLimitAmount, String trailingLimitAmountType, Integer validationsToBypass,
            String comment, String timeInforce, String extendedHours, String type) {
    }

    static Refusal.Invalid invalid(String arg, String field, String problem) {
        return Refusal.invalid(arg + "." + field, problem);
    }

    private static String norm(String s) {
        return s.trim().replace(" ", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Each enum's constants by normalised name (computed once per enum, not per request). */
    private static final ClassValue<Map<String, Object>> BY_NORM = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> type) {
            Map<String, Object> m = new java.util.HashMap<>();
            for (Object e : type.getEnumConstants()) {
                m.put(norm(((Enum<?>) e).name()), e);
            }
            return Map.copyOf(m);
        }
    };

    private static <E extends Enum<E>> E byNorm(Class<E> type, String normalised) {
        return type.cast(BY_NORM.get(type).get(normalised));
    }

    /** True when {@code n} is 1 to {@code maxDigits} ASCII digits. */
    private static boolean digits(String n, int maxDigits) {
        if (n.isEmpty() || n.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String text, Map<String, E> aliases, String arg,
            String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String n = norm(text);
        E named = byNorm(type, n);
        if (named != null) {
            return named;
        }
        E alias = aliases.get(n);
        if (alias != null) {
            return alias;
        }
        if (digits(n, 3)) {
            int i = Integer.parseInt(n);
            if (i < type.getEnumConstants().length) {
                return type.getEnumConstants()[i];
            }
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw invalid(arg, field, "The value '" + shown + "' is not valid for " + field + ".");
    }

    /** Wire order of the documented OrderType enum (Pegged and External are not executed by Crater). */
    static final List<String> ORDER_TYPES = List.of("Market", "Limit", "Stop", "StopLimit", "Pegged", "TrailingStop",
            "TrailingStopLimit", "OneCancelOther", "OneTriggerOther", "OneTriggerOneCancelOther", "External");

    private static final Map<String, OrderType> TYPE_ALIASES = Map.of("mkt", OrderType.Market, "lmt", OrderType.Limit,
            "stp", OrderType.Stop, "oco", OrderType.OneCancelOther, "oto", OrderType.OneTriggerOther,
            "otoco", OrderType.OneTriggerOneCancelOther);

    static OrderType type(String text, String arg) {
        if (text == null || text.isBlank()) {
            throw invalid(arg, "Type", "Type is required");
        }
        String n = norm(text);
        if (digits(n, 2) && Integer.parseInt(n) < ORDER_TYPES.size()) {
            n = norm(ORDER_TYPES.get(Integer.parseInt(n)));
        }
        OrderType named = byNorm(OrderType.class, n);
        if (named != null) {
            return named;
        }
        if (TYPE_ALIASES.containsKey(n)) {
            return TYPE_ALIASES.get(n);
        }
        if (n.equals("pegged") || n.equals("external")) {
            throw invalid(arg, "Type", "Order type " + text.trim() + " is not supported by this server.");
        }
        throw invalid(arg, "Type", "The value '" + text + "' is not valid for Type.");
    }

    static Side side(String text, String arg) {
        Side s = enumValue(Side.class, text, Map.of("b", Side.Buy, "s", Side.Sell, "ss", Side.SellShort,
                "short", Side.SellShort, "cover", Side.BuyToCover, "btc", Side.BuyToCover), arg, "Side");
        if (s == null) {
            throw invalid(arg, "Side", "Side is required");
        }
        return s;
    }

    /** The documented TimeInForce enum order; GoodTillCrossing and GoodTillTime are not executed. */
    static final List<String> TIFS = List.of("Day", "GoodTillCancel", "AtTheOpening", "ImmediateOrCancel", "FillOrKill",
            "GoodTillCrossing", "GoodTillDate", "GoodTillTime");

    private static final Map<String, TimeInForce> TIF_ALIASES = Map.of("gtc", TimeInForce.GoodTillCancel,
            "gtd", TimeInForce.GoodTillDate, "ioc", TimeInForce.ImmediateOrCancel, "fok", TimeInForce.FillOrKill,
            "opg", TimeInForce.AtTheOpening, "ato", TimeInForce.AtTheOpening, "day", TimeInForce.Day);

    static TimeInForce tif(String text, String arg) {
        if (text == null || text.isBlank()) {
            return TimeInForce.Day;
        }
        String n = norm(text);
        if (digits(n, 1) && Integer.parseInt(n) < TIFS.size()) {
            n = norm(TIFS.get(Integer.parseInt(n)));
        }
        TimeInForce named = byNorm(TimeInForce.class, n);
        if (named != null) {
            return named;
        }
        if (TIF_ALIASES.containsKey(n)) {
            return TIF_ALIASES.get(n);
        }
        if (n.equals("goodtillcrossing") || n.equals("goodtilltime")) {
            throw invalid(arg, "TimeInforce", "Time in force " + text.trim() + " is not supported by this server.");
        }
        throw invalid(arg, "TimeInforce", "The value '" + text + "' is not valid for TimeInforce.");
    }

    static TrailType trailType(String text, String arg, String field) {
        TrailType t = enumValue(TrailType.class, text, Map.of("percentage", TrailType.Persentage,
                "percent", TrailType.Persentage, "%", TrailType.Persentage), arg, field);
        return t == null ? TrailType.Absolute : t;
    }

    /**
     * {@code ExecInst}: {@code AllOrNone} (any case, or its FIX flag 65536 seen in streaming) or none (0, empty,
     * or the spec's enum name {@code None}).
     */
    static boolean allOrNone(String text, String arg) {
        if (text == null || text.isBlank() || text.trim().equals("0")) {
            return false;
        }
        String n = norm(text);
        if (n.equals("none")) {
            return false;
        }
        if (n.equals("allornone") || n.equals("aon") || n.equals("65536") || n.equals("2")) {
            return true;
        }
        if (n.equals("donotincrease") || n.equals("donotreduce") || n.equals("1")) {
            return false;
        }
        throw invalid(arg, "ExecInst", "The value '" + text + "' is not valid for ExecInst.");
    }

    /** Sessions an order may trade in, from {@code ExtendedHours}: empty = regular only. */
    static Set<Session> sessions(String text, String arg) {
        if (text == null || text.isBlank()) {
            return EnumSet.of(Session.REGULAR);
        }
        String n = text.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "");
        return switch (n) {
            case "REG", "REGULAR", "NONE" -> EnumSet.of(Session.REGULAR);
            case "PRE" -> EnumSet.of(Session.PRE_MARKET);
            case "POST" -> EnumSet.of(Session.POST_MARKET);
            case "PREREG" -> EnumSet.of(Session.PRE_MARKET, Session.REGULAR);
            case "REGPOST" -> EnumSet.of(Session.REGULAR, Session.POST_MARKET);
            case "PREREGPOST", "ALL", "EXT", "EXTENDED" -> EnumSet.of(Session.PRE_MARKET, Session.REGULAR,
                    Session.POST_MARKET);
            default -> throw invalid(arg, "ExtendedHours", "The value '" + (text.length() > 20 ? text.substring(0, 20)
                    : text) + "' is not valid for ExtendedHours (PRE, REG, POST, PREREG, REGPOST, PREREGPOST).");
        };
    }

    /** An ISO-8601 date-time ({@code Z}, an offset, or none meaning UTC) as epoch ms, or {@link Fixed#NONE}. */
    static long expireDate(String text, String arg) {
        if (text == null || text.isBlank()) {
            return Fixed.NONE;
        }
        String t = text.trim();
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(t).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e3) {
                    throw invalid(arg, "ExpireDate", "The value '" + (t.length() > 40 ? t.substring(0, 40) : t)
                            + "' is not a valid date-time.");
                }
            }
        }
    }

    /** A positive quantity up to {@link OrderLimits#QUANTITY_MAX}. */
    static long quantity(BigDecimal q, String arg, String field) {
        if (q == null) {
            throw invalid(arg, field, field + " is required");
        }
        if (q.signum() <= 0 || q.compareTo(OrderLimits.QUANTITY_MAX) > 0 || q.stripTrailingZeros().scale() > Fixed.DECIMALS) {
            throw invalid(arg, field, field + " must be greater than 0 and at most " + OrderLimits.QUANTITY_MAX.toPlainString()
                    + ".");
        }
        return Fixed.of(q);
    }

    /** A price, or {@link Fixed#NONE} when absent or 0 (the docs send 0 for "not used"). */
    static long price(BigDecimal p, String arg, String field) {
        if (p == null || p.signum() == 0) {
            return Fixed.NONE;
        }
        if (p.signum() < 0 || p.compareTo(PRICE_MAX) > 0 || p.stripTrailingZeros().scale() > Fixed.DECIMALS) {
            throw invalid(arg, field, field + " must be a positive price up to " + PRICE_MAX.toPlainString() + ".");
        }
        return Fixed.of(p);
    }

    /** Commission overrides from {@code ExecutionInstructions}: PerTradeCommission ($), PerContractCommission (cents). */
    static long instruction(Map<String, String> instructions, String key, String arg) {
        if (instructions == null) {
            return Fixed.NONE;
        }
        if (instructions.size() > EXECUTION_INSTRUCTIONS_MAX) {
            throw invalid(arg, "ExecutionInstructions", "At most " + EXECUTION_INSTRUCTIONS_MAX + " instructions.");
        }
        for (Map.Entry<String, String> e : instructions.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(key) && e.getValue() != null) {
                try {
                    BigDecimal v = new BigDecimal(e.getValue().trim());
                    if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(10_000)) > 0) {
                        throw new NumberFormatException();
                    }
                    return Fixed.of(v);
                } catch (NumberFormatException ex) {
                    throw invalid(arg, "ExecutionInstructions", key + " must be a number from 0 to 10000.");
                }
            }
        }
        return Fixed.NONE;
    }

    /**
     * What a {@code CreateOrderResource} asks for, in normal form: the fields read the way a
     * placement reads them (enum names, aliases and numbers; decimals by value; absent, empty and
     * default values alike; symbols and venues without regard to case), so that two bodies are equal
     * exactly when they place the same order. {@code ClientId} is left out (it is the key), and so
     * are {@code Token} and {@code ValidationsToBypass}, which Crater does not act on. A retry under
     * one ClientId answers the original order only when its normal form equals the original's.
     *
     * @throws Refusal.Invalid for a body a placement would refuse the same way
     */
    public record NormalOrder(String symbol, OrderType type, Side side, long quantity, long price, long stopPrice,
            TimeInForce timeInForce, long expireAtMs, boolean allOrNone, Set<Session> sessions, String exchange,
            String comment, String trailingStopAmount, TrailType trailingStopType, String trailingLimitAmount,
            TrailType trailingLimitType, Map<String, String> executionInstructions, List<NormalOrder> legs) {

        public static NormalOrder of(CreateOrderResource r, String arg) {
            return of(r, arg, 0, false);
        }

        private static NormalOrder of(CreateOrderResource r, String arg, int depth, boolean spreadLeg) {
            OrderType type = spreadLeg && (r.type() == null || r.type().isBlank()) ? OrderType.Market
                    : OrderRequests.type(r.type(), arg);
            List<CreateOrderResource> legs = r.legs() == null ? List.of() : r.legs();
            if (legs.size() > OrderLimits.LEGS_MAX) {
                throw OrderRequests.invalid(arg, "Legs", "At most " + OrderLimits.LEGS_MAX + " legs.");
            }
            List<NormalOrder> normalLegs = new java.util.ArrayList<>();
            for (int i = 0; i < legs.size(); i++) {
                if (legs.get(i) == null) {
                    throw OrderRequests.invalid(arg, "Legs[" + i + "]", "A leg is required.");
                }
                normalLegs.add(of(legs.get(i), arg + ".Legs[" + i + "]", depth + 1, !type.conditional()));
            }
            boolean root = !type.conditional() && legs.isEmpty();
            String trail = amount(r.trailingStopAmount());
            String trailLimit = amount(r.trailingLimitAmount());
            return new NormalOrder(
                    r.symbol() == null || r.symbol().isBlank() ? "" : r.symbol().trim().toUpperCase(Locale.ROOT),
                    type,
                    r.side() != null || root || depth > 0 ? OrderRequests.side(r.side(), arg) : null,
                    r.quantity() != null || !type.conditional() ? OrderRequests.quantity(r.quantity(), arg, "Quantity")
                            : Fixed.NONE,
                    OrderRequests.price(r.price(), arg, "Price"),
                    OrderRequests.price(r.stopPrice(), arg, "StopPrice"),
                    OrderRequests.tif(r.timeInforce(), arg),
                    OrderRequests.expireDate(r.expireDate(), arg),
                    OrderRequests.allOrNone(r.execInst(), arg),
                    OrderRequests.sessions(r.extendedHours(), arg),
                    depth > 0 ? "" : r.exchange() == null || r.exchange().isBlank() ? "AUTO"
                            : r.exchange().trim().toUpperCase(Locale.ROOT),
                    depth > 0 || r.comment() == null ? "" : r.comment(),
                    trail,
                    trail == null ? null
                            : OrderRequests.trailType(r.trailingStopAmountType(), arg, "TrailingStopAmountType"),
                    trailLimit,
                    trailLimit == null ? null
                            : OrderRequests.trailType(r.trailingLimitAmountType(), arg, "TrailingLimitAmountType"),
                    instructions(r.executionInstructions(), arg),
                    List.copyOf(normalLegs));
        }

        /** A trailing amount by value; absent and 0 (the docs' "not used") alike. */
        private static String amount(BigDecimal a) {
            return a == null || a.signum() == 0 ? null : a.stripTrailingZeros().toString();
        }

        /** Keys without regard to case, values trimmed; numeric values by value. */
        private static Map<String, String> instructions(Map<String, String> given, String arg) {
            OrderRequests.instruction(given, "PerTradeCommission", arg); // the same limits and 422s as a placement
            OrderRequests.instruction(given, "PerContractCommission", arg);
            Map<String, String> out = new java.util.TreeMap<>();
            if (given != null) {
                for (Map.Entry<String, String> e : given.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null) {
                        continue;
                    }
                    String v = e.getValue().trim();
                    try {
                        v = new BigDecimal(v).stripTrailingZeros().toString(); // bounded, even for 1e999999999
                    } catch (NumberFormatException notANumber) {
                        // kept as text
                    }
                    out.put(e.getKey().trim().toLowerCase(Locale.ROOT), v);
                }
            }
            return out;
        }
    }
}
