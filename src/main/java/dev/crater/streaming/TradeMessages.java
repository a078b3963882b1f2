package dev.crater.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.crater.alerts.AlertNotifier;
import dev.crater.http.Json;
import dev.crater.orders.OrderResource;
import dev.crater.orders.PositionService.PositionResource;
import dev.crater.orders.TradeFeed;
import dev.crater.watchlists.Watchlist;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The trade-data streamer's messages (reference 11 §5): the documented keys in the documented order,
 * every value a JSON string. Orders and positions: decimals with five places ({@code "100.00000"}),
 * dates in epoch milliseconds, each with its {@code …Offset} (milliseconds) and {@code …Text}
 * ({@code MM/dd/yyyy HH:mm:ss}) in New York time, the market's; enums by name; {@code ExecInst} as
 * its FIX flag; the no-underlying markers {@code "-1"}, {@code "-62135596800000"} and
 * {@code "Undefined"}. Balances: the documented four keys and {@code Items}, a JSON-encoded string of
 * the balance map's {@code Name}/{@code Value} pairs. Watchlists: times {@code MM/dd/yyyy HH:mm:ss} in
 * UTC, as quotes.
 */
final class TradeMessages {
    /** The .NET {@code DateTime.MinValue} in epoch milliseconds: the docs' "no date" marker. */
    static final long NO_DATE_MS = -62_135_596_800_000L;
    static final String NO_DATE = Long.toString(NO_DATE_MS);
    static final ZoneId MARKET_ZONE = ZoneId.of("America/New_York");
    static final DateTimeFormatter MARKET_TEXT = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss")
            .withZone(MARKET_ZONE);

    private TradeMessages() {
    }

    /** An order as stored, with the figures of one change of it (null: as stored). */
    static Map<String, String> order(OrderResource o, TradeFeed.OrderChange c) {
        OrderResource.SpecFields s = o.spec();
        long created = ms(o.createDate());
        long date = c != null ? c.atMs() : ms(o.date());
        long transaction = c != null && c.lastQuantity() != null ? c.atMs() : ms(o.transactionDate());
        String status = c != null && c.status() != null ? c.status() : o.status();
        String description = c != null && c.description() != null ? c.description() : o.description();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", "Order");
        m.put("Id", Long.toString(o.id()));
        m.put("SecurityId", Integer.toString(o.securityId()));
        m.put("Quantity", dec5(pick(c == null ? null : c.quantity(), o.quantity())));
        m.put("Price", dec5(pick(c == null ? null : c.price(), o.price())));
        m.put("ExecutedQuantity", dec5(pick(c == null ? null : c.executed(), o.executedQuantity())));
        m.put("LastPrice", dec5(pick(c == null ? null : c.lastPrice(), o.lastPrice())));
        m.put("LastQuantity", dec5(pick(c == null ? null : c.lastQuantity(), o.lastQuantity())));
        m.put("LeavesQuantity", dec5(pick(c == null ? null : c.leaves(), o.leavesQuantity())));
        m.put("AveragePrice", dec5(pick(c == null ? null : c.averagePrice(), o.averagePrice())));
        m.put("Side", o.side());
        m.put("CreateDate", Long.toString(created));
        m.put("Date", Long.toString(date));
        m.put("DateOffset", offset(date));
        m.put("DateText", text(date));
        m.put("TransactionDate", Long.toString(transaction));
        m.put("TransactionDateText", text(transaction));
        m.put("Status", status);
        m.put("ExecutionStatus", c != null && c.executionStatus() != null ? c.executionStatus()
                : o.executionStatus());
        m.put("Type", o.type());
        m.put("Description", str(description));
        m.put("Comment", str(o.comment()));
        m.put("TimeInForce", o.timeInForce());
        m.put("AccountId", Long.toString(o.accountId()));
        m.put("StopPrice", dec5(pick(c == null ? null : c.stopPrice(), o.stopPrice())));
        m.put("ExecInst", Long.toString(s.execInstNum()));
        m.put("ExpireDate", o.expireDate() == null ? NO_DATE : Long.toString(ms(o.expireDate())));
        m.put("SecurityType", str(s.securityType()));
        m.put("Symbol", str(o.symbol()));
        m.put("Exchange", str(o.exchange()));
        m.put("Currency", str(s.currency()));
        m.put("Name", str(s.name() == null ? o.symbol() : s.name()));
        underlying(m, s.underlyingSymbol(), s.underlyingId(), s.underlyingStrike(), s.underlyingOptionType(),
                s.underlyingExpirationDate(), s.underlyingExpirationType());
        m.put("TrailingStopAmountType", str(o.trailingStopAmountType()));
        m.put("TrailingStopAmount", dec5(o.trailingStopAmount()));
        m.put("TrailingLimitAmountType", str(o.trailingLimitAmountType()));
        m.put("TrailingLimitAmount", dec5(o.trailingLimitAmount()));
        m.put("RejectReason", "Rejected".equals(status) ? str(description) : "");
        m.put("ParentId", Long.toString(o.parentId()));
        m.put("InitialType", str(o.initialType()));
        return m;
    }

    /** A position as stored, with the figures of one change of it (null: as stored). */
    static Map<String, String> position(PositionResource p, TradeFeed.PositionChange c, String exchange) {
        var s = p.spec();
        long created = c != null ? c.createdMs() : ms(p.createDate());
        long modified = c != null ? c.modifiedMs() : ms(p.modifyDate());
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", "Position");
        m.put("Id", Long.toString(p.id()));
        m.put("AccountId", Long.toString(p.accountId()));
        m.put("SecurityId", Integer.toString(p.securityId()));
        BigDecimal cost = c != null ? c.costBasis() : p.costBasis();
        m.put("CostBasis", dec5(cost));
        m.put("DailyCostBasis", dec5(c != null ? c.costBasis() : p.dailyCostBasis()));
        m.put("CreateDate", Long.toString(created));
        m.put("CreateDateOffset", offset(created));
        m.put("ModifyDate", Long.toString(modified));
        m.put("ModifyDateOffset", offset(modified));
        m.put("Quantity", dec5(c != null ? c.quantity() : p.quantity()));
        m.put("RealizedProfitLoss", dec5(c != null ? c.realizedProfitLoss() : p.realizedProfitLoss()));
        m.put("AverageOpenPrice", dec5(c != null ? c.averageOpenPrice() : p.averageOpenPrice()));
        m.put("AverageClosePrice", dec5(c != null ? c.averageClosePrice() : p.averageClosePrice()));
        m.put("SecurityType", str(p.securityType()));
        m.put("Symbol", str(p.symbol()));
        m.put("Exchange", str(exchange));
        m.put("Currency", str(p.securityCurrency()));
        m.put("Name", str(p.name()));
        m.put("CompanyName", str(p.companyName()));
        underlying(m, s.underlyingSymbol(), s.underlyingId(), s.underlyingStrike(), s.underlyingOptionType(),
                s.underlyingExpirationDate(), s.underlyingExpirationType());
        return m;
    }

    /**
     * {@code AccountBalance} (key: the account id) or {@code UserBalance} (key: the user id, in
     * {@code AccountId} as in the docs' example) from a balance map.
     */
    static Map<String, String> balance(String entity, long key, Map<String, BigDecimal> balance) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> e : balance.entrySet()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("Name", e.getKey());
            item.put("Value", e.getValue());
            items.add(item);
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", entity);
        m.put("AccountId", Long.toString(key));
        m.put("CashBalance", QuoteMessage.num(balance.getOrDefault("cash", BigDecimal.ZERO)));
        m.put("PendingCash", QuoteMessage.num(balance.getOrDefault("pendingCash", BigDecimal.ZERO)));
        m.put("PendingOrdersCount", QuoteMessage.num(balance.getOrDefault("pendingOrdersCount", BigDecimal.ZERO)));
        try {
            m.put("Items", Json.mapper().writeValueAsString(items));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a balance map did not encode", e);
        }
        return m;
    }

    /** A user's list (key: the user id), as created, renamed or deleted. */
    static Map<String, String> watchlist(Watchlist w, boolean deleted, long modifiedMs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", "Watchlist");
        m.put("id", Long.toString(w.id()));
        m.put("Key", Long.toString(w.userId()));
        m.put("CreateDate", QuoteMessage.TIME.format(Instant.ofEpochMilli(w.createdAtMs())));
        m.put("ModifyDate", QuoteMessage.TIME.format(Instant.ofEpochMilli(modifiedMs)));
        m.put("Description", "");
        m.put("IsDeleted", QuoteMessage.bool(deleted));
        m.put("Name", w.name());
        m.put("Type", "UserList");
        m.put("UserId", Long.toString(w.userId()));
        return m;
    }

    /** Securities added to and removed from a list (key: the list id); {@code "null"} when none, as documented. */
    static Map<String, String> content(long watchlistId, List<Long> added, List<Long> removed) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", "WatchlistContent");
        m.put("Key", Long.toString(watchlistId));
        m.put("AddedSymbols", ids(added));
        m.put("RemovedSymbols", ids(removed));
        return m;
    }

    /** A price alert of the user's that fired (key: the user id): Crater's design, in the same style. */
    static Map<String, String> alert(AlertNotifier.Fired f) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", "PriceAlert");
        m.put("Key", Long.toString(f.userId()));
        m.put("Id", Long.toString(f.alertId()));
        m.put("State", "Completed");
        m.put("SecurityId", Integer.toString(f.securityId()));
        m.put("Symbol", str(f.symbol()));
        m.put("Field", f.field().name());
        m.put("Operator", f.operator().name());
        m.put("Argument", QuoteMessage.num(f.level()));
        m.put("Price", QuoteMessage.num(f.price()));
        m.put("QuoteDate", QuoteMessage.TIME.format(Instant.ofEpochMilli(f.quoteTimeMs())));
        m.put("Date", QuoteMessage.TIME.format(Instant.ofEpochMilli(f.firedAtMs())));
        return m;
    }

    private static void underlying(Map<String, String> m, String symbol, Integer id, BigDecimal strike, String right,
            Long expirationSeconds, String expirationType) {
        m.put("UnderlyingSymbol", str(symbol));
        m.put("UnderlyingId", id == null ? "-1" : Integer.toString(id));
        m.put("UnderlyingStrike", dec5(strike == null ? BigDecimal.ZERO : strike));
        m.put("UnderlyingOptionType", right == null ? "Undefined" : right);
        m.put("UnderlyingExpirationDate", expirationSeconds == null ? NO_DATE
                : Long.toString(expirationSeconds * 1000));
        m.put("UnderlyingExpirationType", expirationType == null ? "Undefined" : expirationType);
    }

    private static String ids(List<Long> ids) {
        if (ids.isEmpty()) {
            return "null";
        }
        StringJoiner j = new StringJoiner(";");
        ids.forEach(id -> j.add(Long.toString(id)));
        return j.toString();
    }

    private static BigDecimal pick(BigDecimal changed, BigDecimal stored) {
        return changed != null ? changed : stored;
    }

    static String dec5(BigDecimal v) {
        return (v == null ? BigDecimal.ZERO : v).setScale(5, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }

    /** An ISO-8601 instant of a resource in epoch milliseconds; the docs' "no date" for none. */
    private static long ms(String iso) {
        if (iso == null || iso.equals(OrderResource.UNKNOWN_DATE)) {
            return NO_DATE_MS;
        }
        return Instant.parse(iso).toEpochMilli();
    }

    private static String offset(long epochMs) {
        if (epochMs == NO_DATE_MS) {
            return "0";
        }
        return Long.toString(MARKET_ZONE.getRules().getOffset(Instant.ofEpochMilli(epochMs)).getTotalSeconds()
                * 1000L);
    }

    private static String text(long epochMs) {
        return MARKET_TEXT.format(Instant.ofEpochMilli(epochMs));
    }
}
