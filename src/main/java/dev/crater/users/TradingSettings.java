package dev.crater.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.http.ApiException;
import java.util.List;
import java.util.Map;

/**
 * A user's trade-ticket defaults (reference 02-users.md §2, the spec's UserTradingSettingsModel): per
 * instrument the order type, quantity, duration, exchange and all-or-none a new order starts with, and
 * the confirmations the app shows. Crater keeps them for the app; they do not change how orders run.
 */
@JsonPropertyOrder({"Instruments", "QuantityStepIncrementMultiplier", "PriceStepIncrementMultiplier",
        "DoNotCloseTradePopupOnOrderPlacement", "SkipVerifyOrder", "SkipVerifyCancelOrder", "SkipVerifyClosingPosition",
        "SkipVerifyOrderReplace", "SkipPlaceOrderStatus", "SkipCancelOrderStatus", "SkipClosingPositionStatus",
        "SkipOrderReplaceStatus", "MaxStocksQuantity", "MaxOptionsQuantity"})
public record TradingSettings(Instruments instruments, int quantityStepIncrementMultiplier,
                              int priceStepIncrementMultiplier, boolean doNotCloseTradePopupOnOrderPlacement,
                              String skipVerifyOrder, String skipVerifyCancelOrder, String skipVerifyClosingPosition,
                              String skipVerifyOrderReplace, String skipPlaceOrderStatus, String skipCancelOrderStatus,
                              String skipClosingPositionStatus, String skipOrderReplaceStatus, int maxStocksQuantity,
                              int maxOptionsQuantity) {

    /** Largest quantity, quantity cap or multiplier accepted (the spec's Int32, bounded). */
    public static final int QUANTITY_MAX = 100_000_000;
    public static final int MULTIPLIER_MAX = 1_000;
    public static final int SPREADS_MAX = 100;
    public static final int EXTENDED_HOURS_CHARS_MAX = 32;
    /** The Skip* values (reference 02 §2), in their numeric order. */
    public static final List<String> SKIP = List.of("Show", "DoNotShow", "ShowIfAnError");
    /** Order type names (reference 12, OrderType), in their numeric order. */
    public static final List<String> ORDER_TYPES = List.of("Market", "Limit", "Stop", "StopLimit", "Pegged",
            "TrailingStop", "TrailingStopLimit", "OneCancelOther", "OneTriggerOther", "OneTriggerOneCancelOther", "External");
    /** Time-in-force names (reference 12, TimeInForce), in their numeric order. */
    public static final List<String> DURATIONS = List.of("Day", "GoodTillCancel", "AtTheOpening", "ImmediateOrCancel",
            "FillOrKill", "GoodTillCrossing", "GoodTillDate", "GoodTillTime");

    /** One instrument's defaults; {@code Spreads} for options only. */
    @JsonPropertyOrder({"OrderType", "Quantity", "DurationType", "ExchangeType", "AON", "Spreads", "ExtendedHoursType"})
    public record Instrument(String orderType, int quantity, String durationType, String exchangeType,
                             @JsonProperty("AON") boolean aon,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer spreads, String extendedHoursType) {
    }

    @JsonPropertyOrder({"Stocks", "Options", "Forex"})
    public record Instruments(Instrument stocks, Instrument options, Instrument forex) {
    }

    /** What a user has before setting anything: the documented example, every exchange {@code Auto}. */
    public static final TradingSettings DEFAULTS = new TradingSettings(new Instruments(
            new Instrument("Market", 100, "Day", "Auto", false, null, null),
            new Instrument("Market", 50, "Day", "Auto", false, 1, null),
            new Instrument("Market", 1, "Day", "Auto", false, null, null)),
            1, 1, false, "Show", "Show", "Show", "Show", "Show", "Show", "Show", "Show", 10_000_000, 99);

    /**
     * These settings with what {@code body} gives (keys in any case; absent or null keys keep their
     * value), checked.
     *
     * @param exchanges the exchange codes an instrument may name (besides any case of them)
     * @throws ApiException 422 ModelState under {@code arg.<Field>} for the first bad value
     */
    public TradingSettings merged(JsonNode body, List<String> exchanges, String arg) {
        if (body == null || !body.isObject()) {
            throw ApiException.modelState(arg, "A JSON object body is required.");
        }
        int maxStocks = integer(body, "MaxStocksQuantity", maxStocksQuantity, 1, QUANTITY_MAX, arg);
        int maxOptions = integer(body, "MaxOptionsQuantity", maxOptionsQuantity, 1, QUANTITY_MAX, arg);
        JsonNode inst = field(body, "Instruments");
        String ia = arg + ".Instruments";
        if (inst != null && !inst.isObject()) {
            throw ApiException.modelState(ia, "Instruments must be an object.");
        }
        Instruments i = new Instruments(
                instrument(field(inst, "Stocks"), instruments.stocks(), maxStocks, exchanges, ia + ".Stocks"),
                instrument(field(inst, "Options"), instruments.options(), maxOptions, exchanges, ia + ".Options"),
                instrument(field(inst, "Forex"), instruments.forex(), QUANTITY_MAX, exchanges, ia + ".Forex"));
        return new TradingSettings(i,
                integer(body, "QuantityStepIncrementMultiplier", quantityStepIncrementMultiplier, 1, MULTIPLIER_MAX, arg),
                integer(body, "PriceStepIncrementMultiplier", priceStepIncrementMultiplier, 1, MULTIPLIER_MAX, arg),
                bool(body, "DoNotCloseTradePopupOnOrderPlacement", doNotCloseTradePopupOnOrderPlacement, arg),
                name(body, "SkipVerifyOrder", skipVerifyOrder, SKIP, arg),
                name(body, "SkipVerifyCancelOrder", skipVerifyCancelOrder, SKIP, arg),
                name(body, "SkipVerifyClosingPosition", skipVerifyClosingPosition, SKIP, arg),
                name(body, "SkipVerifyOrderReplace", skipVerifyOrderReplace, SKIP, arg),
                name(body, "SkipPlaceOrderStatus", skipPlaceOrderStatus, SKIP, arg),
                name(body, "SkipCancelOrderStatus", skipCancelOrderStatus, SKIP, arg),
                name(body, "SkipClosingPositionStatus", skipClosingPositionStatus, SKIP, arg),
                name(body, "SkipOrderReplaceStatus", skipOrderReplaceStatus, SKIP, arg),
                maxStocks, maxOptions);
    }

    private static Instrument instrument(JsonNode n, Instrument was, int maxQuantity, List<String> exchanges, String arg) {
        if (n != null && !n.isObject()) {
            throw ApiException.modelState(arg, "An object is expected.");
        }
        int quantity = integer(n, "Quantity", was.quantity(), 1, QUANTITY_MAX, arg);
        if (quantity > maxQuantity) {
            throw ApiException.modelState(arg + ".Quantity", "Quantity must not exceed the maximum quantity " + maxQuantity + ".");
        }
        String extended = was.extendedHoursType();
        JsonNode e = field(n, "ExtendedHoursType");
        if (e != null) {
            if (!e.isTextual() || e.asText().trim().length() > EXTENDED_HOURS_CHARS_MAX) {
                throw ApiException.modelState(arg + ".ExtendedHoursType",
                        "A text of at most " + EXTENDED_HOURS_CHARS_MAX + " characters is expected.");
            }
            extended = e.asText().trim().isEmpty() ? null : e.asText().trim();
        }
        return new Instrument(name(n, "OrderType", was.orderType(), ORDER_TYPES, arg), quantity,
                name(n, "DurationType", was.durationType(), DURATIONS, arg),
                name(n, "ExchangeType", was.exchangeType(), exchanges, arg),
                bool(n, "AON", was.aon(), arg),
                was.spreads() == null ? null : integer(n, "Spreads", was.spreads(), 0, SPREADS_MAX, arg), extended);
    }

    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isNull() ? null : e.getValue();
            }
        }
        return null;
    }

    private static int integer(JsonNode node, String name, int was, int min, int max, String arg) {
        JsonNode v = field(node, name);
        if (v == null) {
            return was;
        }
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.longValue();
        } else if (v.isTextual() && v.asText().trim().matches("-?[0-9]{1,12}")) {
            n = Long.parseLong(v.asText().trim());
        } else {
            throw ApiException.modelState(arg + "." + name, name + " must be a whole number.");
        }
        if (n < min || n > max) {
            throw ApiException.modelState(arg + "." + name, name + " must be " + min + ".." + max + ".");
        }
        return (int) n;
    }

    private static boolean bool(JsonNode node, String name, boolean was, String arg) {
        JsonNode v = field(node, name);
        if (v == null) {
            return was;
        }
        if (!v.isBoolean()) {
            throw ApiException.modelState(arg + "." + name, name + " must be true or false.");
        }
        return v.booleanValue();
    }

    /** A name of {@code allowed} in any case, or its index as a number; stored as {@code allowed} spells it. */
    private static String name(JsonNode node, String name, String was, List<String> allowed, String arg) {
        JsonNode v = field(node, name);
        if (v == null) {
            return was;
        }
        if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 && v.intValue() < allowed.size()) {
            return allowed.get(v.intValue());
        }
        if (v.isTextual()) {
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v.asText().trim())) {
                    return a;
                }
            }
        }
        throw ApiException.modelState(arg + "." + name, name + " must be one of " + String.join(", ", allowed) + ".");
    }
}
