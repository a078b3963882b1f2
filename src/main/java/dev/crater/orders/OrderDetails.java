package dev.crater.orders;

import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The spec's order details ({@code GET /accounts/{a}/orders/{o}/details}, {@code OrderDetailsModel}):
 * one entry per execution of the order (of each leg, for a spread or a conditional order), in time
 * order, each with the executed order's fields and that execution's own: {@code ExecId}, the fill's
 * price and quantity as {@code LastPrice}/{@code LastQuantity}, the executed and leaves quantities
 * and the average price through that execution, its commission. An order with no execution has no
 * details ({@code []}). The model's dates are integers in the spec: Crater writes epoch milliseconds.
 */
final class OrderDetails {

    /** FIX {@code ExecInst} flag of all-or-none, the integer the model's {@code ExecInst} carries. */
    static final long ALL_OR_NONE_FLAG = 65536;
    private static final int AVERAGE_PRICE_SCALE = 6;

    private final OrderReads reads;
    private final Securities securities;
    private final OptionChains options;

    OrderDetails(OrderReads reads, Securities securities, OptionChains options) {
        this.reads = reads;
        this.securities = securities;
        this.options = options;
    }

    /** OrderDetailsModel, every property, in the spec's order (the order of the components). */
    record OrderDetailsModel(BigDecimal averagePrice, BigDecimal brokerServiceCommission, String clientId,
            String comment, String contingentDirection, String contingentPriceType, Integer contingentSecurityId,
            String contingentSymbol, String contingentThreshold, String counterPartyOrderId, long createDate,
            String currency, long date, String exchange, String execId, long execInst, BigDecimal executedQuantity,
            Map<String, String> executionInstructions, String executionRuleName, String executionStatus,
            String executionTarget, String executionVenue, Long expireDate, String extendedHours, long id,
            String initialType, boolean isCompleted, boolean isRequest, BigDecimal lastPrice, BigDecimal lastQuantity,
            BigDecimal leavesQuantity, List<Object> legs, String locateRefId, String login, String name,
            String orderStatusDescription, long parentId, long parentRequestId, BigDecimal price, BigDecimal quantity,
            String quantityQualifier, Integer reinvestAction, String rejectReason, long requestId, String requestStatus,
            int securityId, String securityType, String side, String signalStrategyName, long stateId, String status,
            BigDecimal stopPrice, String symbol, String timeInForce, BigDecimal trailingLimitAmount,
            String trailingLimitAmountType, BigDecimal trailingStopAmount, String trailingStopAmountType,
            String transType, long transactionDate, String transactionDateText, String type,
            Long underlyingExpirationDate, String underlyingExpirationType, Integer underlyingId,
            String underlyingOptionType, BigDecimal underlyingStrike, String underlyingSymbol, int userId,
            int volumePrecision) {
    }

    /** What the instrument adds: its name, currency and type, and an option's underlying. */
    private record Instrument(String name, String currency, SecurityType type, int volumePrecision,
            Optional<OptionContract> option) {
    }

    private Instrument instrument(int securityId, String symbol) {
        Optional<Security> s = securities.snapshot().byId(securityId);
        if (s.isPresent()) {
            return new Instrument(s.get().description(), s.get().currency(), s.get().type(),
                    s.get().volumePrecision(), Optional.empty());
        }
        Optional<OptionContract> c = options.byId(securityId);
        if (c.isPresent()) {
            return new Instrument(c.get().description(), c.get().underlying().currency(), SecurityType.Option, 0, c);
        }
        return new Instrument(symbol, "USD", SecurityType.CommonStock, 0, Optional.empty());
    }

    /**
     * The details of the account's order {@code order} (already read, so it is the account's).
     *
     * @param login the username of a user id, or null
     */
    List<OrderDetailsModel> of(long accountId, OrderResource order, LongFunction<String> login) {
        Map<Long, OrderResource> executed = new HashMap<>();
        executed.put(order.id(), order);
        for (OrderResource leg : order.legs()) {
            executed.put(leg.id(), leg);
        }
        Map<Long, BigDecimal> done = new HashMap<>();
        Map<Long, BigDecimal> cost = new HashMap<>();
        List<OrderDetailsModel> out = new ArrayList<>();
        for (OrderReads.Execution e : reads.executions(accountId, order.id())) {
            OrderResource o = executed.get(e.orderId());
            if (o == null) {
                continue;
            }
            BigDecimal through = done.merge(o.id(), e.quantity(), BigDecimal::add);
            BigDecimal paid = cost.merge(o.id(), e.quantity().multiply(e.price()), BigDecimal::add);
            out.add(model(o, e, through, paid, instrument(o.securityId(), o.symbol()), login.apply(o.userId())));
        }
        return out;
    }

    private static OrderDetailsModel model(OrderResource o, OrderReads.Execution e, BigDecimal through,
            BigDecimal paid, Instrument in, String login) {
        BigDecimal leaves = o.quantity().subtract(through).max(BigDecimal.ZERO).stripTrailingZeros();
        boolean complete = leaves.signum() == 0;
        String status = complete ? "Filled" : "PartiallyFilled";
        BigDecimal average = paid.divide(through, AVERAGE_PRICE_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        Optional<OptionContract> option = in.option();
        return new OrderDetailsModel(average, e.commission(), o.clientId(), o.comment(), null, null, null, null,
                null, o.counterPartyOrderId(), epochMs(o.createDate()), in.currency(), e.atMs(), o.exchange(),
                String.valueOf(e.id()), "AllOrNone".equals(o.execInst()) ? ALL_OR_NONE_FLAG : 0, through,
                o.executionInstructions(), null, status, o.target(), o.executionVenue(), epochMsOrNull(o.expireDate()),
                o.extendedHours(), o.id(), o.initialType(), complete, false, e.price(), e.quantity(), leaves,
                List.of(), null, login, in.name(), o.status(), o.parentId(), o.parentRequestId(), o.price(),
                o.quantity(), null, null, null, o.requestId(), o.requestStatus(), o.securityId(), in.type().name(),
                o.side(), null, o.stateId(), status, o.stopPrice(), o.symbol(), o.timeInForce(),
                o.trailingLimitAmount(), o.trailingLimitAmountType(), o.trailingStopAmount(),
                o.trailingStopAmountType(), o.transType(), e.atMs(), Instant.ofEpochMilli(e.atMs()).toString(),
                o.type(), option.map(c -> epochMs(c.expiration())).orElse(null),
                option.map(c -> c.expirationType().name()).orElse(null),
                option.map(c -> c.underlying().id()).orElse(null), option.map(c -> c.right().name()).orElse(null),
                option.map(OptionContract::strike).orElse(null), option.map(c -> c.underlying().symbol()).orElse(null),
                Math.toIntExact(o.userId()), in.volumePrecision());
    }

    private static long epochMs(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static Long epochMsOrNull(String iso) {
        return iso == null || iso.equals(OrderResource.UNKNOWN_DATE) ? null : epochMs(iso);
    }

    private static long epochMs(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
