package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The documented OrderResource (reference 04-orders.md §4), keys in the documented order, then the
 * properties only the vendor spec defines ({@link SpecFields}). Prices that do not apply are 0; dates
 * the docs show as unknown are {@code 0001-01-01T00:00:00Z}.
 */
@JsonPropertyOrder({"Id", "SecurityId", "Symbol", "AccountId", "UserId", "Quantity", "Price", "StopPrice", "ClientId",
        "OrigClientId", "ParentClientId", "ExecutedQuantity", "LastPrice", "LastQuantity", "LeavesQuantity",
        "AveragePrice", "Side", "Date", "CreateDate", "TransactionDate", "SettDate", "SettlementDate", "Status",
        "ExecutionStatus", "Type", "InitialType", "RequestStatus", "Target", "TransType", "TimeInForce", "ExecInst",
        "ExpireDate", "Description", "Comment", "CounterPartyOrderId", "RequestId", "StateId", "ParentId",
        "ParentRequestId", "Legs", "Exchange", "ExecutionVenue", "ExecBrocker", "ExecId", "LastMarket", "ExtendedHours",
        "IsExternal", "ExecutionInstructions", "TrailingStopAmount", "TrailingStopAmountType", "TrailingLimitAmount",
        "TrailingLimitAmountType", "Token", "ValidationsToBypass"})
public record OrderResource(long id, int securityId, String symbol, long accountId, long userId, BigDecimal quantity,
        BigDecimal price, BigDecimal stopPrice, String clientId, String origClientId, String parentClientId,
        BigDecimal executedQuantity, BigDecimal lastPrice, BigDecimal lastQuantity, BigDecimal leavesQuantity,
        BigDecimal averagePrice, String side, String date, String createDate, String transactionDate, String settDate,
        String settlementDate, String status, String executionStatus, String type, String initialType,
        String requestStatus, String target, String transType, String timeInForce, Object execInst, String expireDate,
        String description, String comment, String counterPartyOrderId, long requestId, long stateId, long parentId,
        long parentRequestId, List<OrderResource> legs, String exchange, String executionVenue, String execBrocker,
        String execId, String lastMarket, String extendedHours, boolean isExternal,
        Map<String, String> executionInstructions, BigDecimal trailingStopAmount, String trailingStopAmountType,
        BigDecimal trailingLimitAmount, String trailingLimitAmountType, String token, int validationsToBypass,
        @JsonUnwrapped SpecFields spec) {

    /**
     * OrderResource's properties that only the vendor spec defines, in its (alphabetical) order, after
     * the documented ones; null where Crater has no value: no contingent orders ({@code Contingent*}),
     * CUSIPs, locates, reinvestment or account names; {@code Underlying*} only for options.
     *
     * @param execInstNum {@code ExecInst} as its FIX flag: 65536 for AllOrNone, 0 for none
     * @param name the symbol, as PositionResource's {@code Name} ("usually = Symbol")
     */
    public record SpecFields(String accountHolderName, String accountName, BigDecimal brokerServiceCommission,
            String clearingAccount, String contingentDirection, String contingentPriceType,
            Integer contingentSecurityId, String contingentSymbol, String contingentThreshold, String currency,
            String cusip, String errorDescriptionText, long execInstNum, String locateRefId, String name,
            Integer precision, String quantityQualifier, Integer reinvestAction, String securityType,
            Long underlyingExpirationDate, String underlyingExpirationType, Integer underlyingId,
            String underlyingOptionType, BigDecimal underlyingStrike, String underlyingSymbol, String userName,
            Integer volumePrecision) {
    }

    public static final String UNKNOWN_DATE = "0001-01-01T00:00:00Z";
    public static final String VENUE = "Crater Simulator";
    /** {@code ExecInst} when the order has no instruction: the spec's enum name (the docs' example shows 0). */
    public static final String EXEC_INST_NONE = "None";
    /** {@code ExecInstNum} of AllOrNone: its FIX flag, as Crater also reads it in {@code ExecInst}. */
    static final long EXEC_INST_ALL_OR_NONE_FLAG = 65536;
}
