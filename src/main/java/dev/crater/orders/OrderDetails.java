package dev.crater.orders;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's order details ({@code GET /accounts/{a}/orders/{o}/details}, {@code OrderDetailsModel}):
 * one entry per execution of the order (of each leg, for a spread or a conditional order), in time
 * order, each with the executed order's fields and that execution's own: {@code ExecId}, the fill's
 * price and quantity as {@code LastPrice}/{@code LastQuantity}, the executed and leaves quantities
 * and the average price through that execution, its commission. An order with no execution has no
 * details ({@code []}). What the order's OrderResource already says of its instrument, its owner and
 * its {@code ExecInst} flag ({@link OrderResource.SpecFields}) is taken from there. The model's dates
 * are integers in the spec: Unix seconds, as every int64 date Crater answers.
 */
final class OrderDetails {

    private static final int AVERAGE_PRICE_SCALE = 6;

    private final OrderReads reads;

    OrderDetails(OrderReads reads) {
        this.reads = reads;
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

    /** The details of the account's order {@code order} (already read, so it is the account's). */
    List<OrderDetailsModel> of(long accountId, OrderResource order) {
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
            out.add(model(o, e, through, paid));
        }
        return out;
    }

    private static OrderDetailsModel model(OrderResource o, OrderReads.Execution e, BigDecimal through,
            BigDecimal paid) {
        OrderResource.SpecFields spec = o.spec();
        BigDecimal leaves = o.quantity().subtract(through).max(BigDecimal.ZERO).stripTrailingZeros();
        boolean complete = leaves.signum() == 0;
        String status = complete ? "Filled" : "PartiallyFilled";
        BigDecimal average = paid.divide(through, AVERAGE_PRICE_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        long at = seconds(e.atMs());
        return new OrderDetailsModel(average, e.commission(), o.clientId(), o.comment(), spec.contingentDirection(),
                spec.contingentPriceType(), spec.contingentSecurityId(), spec.contingentSymbol(),
                spec.contingentThreshold(), o.counterPartyOrderId(), seconds(o.createDate()), spec.currency(), at,
                o.exchange(), String.valueOf(e.id()), spec.execInstNum(), through, o.executionInstructions(), null,
                status, o.target(), o.executionVenue(), secondsOrNull(o.expireDate()), o.extendedHours(), o.id(),
                o.initialType(), complete, false, e.price(), e.quantity(), leaves, List.of(), spec.locateRefId(),
                spec.userName(), spec.name(), o.status(), o.parentId(), o.parentRequestId(), o.price(), o.quantity(),
                spec.quantityQualifier(), spec.reinvestAction(), null, o.requestId(), o.requestStatus(),
                o.securityId(), spec.securityType(), o.side(), null, o.stateId(), status, o.stopPrice(), o.symbol(),
                o.timeInForce(), o.trailingLimitAmount(), o.trailingLimitAmountType(), o.trailingStopAmount(),
                o.trailingStopAmountType(), o.transType(), at, Instant.ofEpochMilli(e.atMs()).toString(), o.type(),
                spec.underlyingExpirationDate(), spec.underlyingExpirationType(), spec.underlyingId(),
                spec.underlyingOptionType(), spec.underlyingStrike(), spec.underlyingSymbol(), Math.toIntExact(o.userId()),
                spec.volumePrecision() == null ? 0 : spec.volumePrecision());
    }

    private static long seconds(long epochMs) {
        return Math.floorDiv(epochMs, 1000);
    }

    private static long seconds(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    private static Long secondsOrNull(String iso) {
        return iso == null || iso.equals(OrderResource.UNKNOWN_DATE) ? null : seconds(iso);
    }
}
