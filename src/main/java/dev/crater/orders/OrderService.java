package dev.crater.orders;

import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.common.Refusal;
import dev.crater.http.Json;
import dev.crater.market.Market;
import dev.crater.metrics.Counter;
import dev.crater.metrics.Metrics;
import dev.crater.orders.VerifyModels.OrderPreviewResource;
import dev.crater.orders.VerifyModels.QuoteModel;
import dev.crater.orders.VerifyModels.ValidatedOrder;
import dev.crater.orders.VerifyModels.VerifiedOrder;
import dev.crater.orders.VerifyModels.VerifyOrderModel;
import dev.crater.orders.engine.Command;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fee;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.Instrument;
import dev.crater.orders.engine.MarginRates;
import dev.crater.orders.engine.OrderLimits;
import dev.crater.orders.engine.OrderSpec;
import dev.crater.orders.engine.OrderType;
import dev.crater.orders.engine.RejectCode;
import dev.crater.orders.engine.Side;
import dev.crater.orders.engine.Verification;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import dev.crater.securities.OptionResource;
import dev.crater.store.Filter;
import dev.crater.store.PagedQuery;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The orders feature's door (reference 04-orders.md): every order call of the API, below HTTP. It
 * takes a parsed request ({@link OrderRequests}: syntax), checks it against reference data (the
 * symbol, its tick, the option contract size: this class), and hands it to the trading engine
 * (risk: {@code engine.Engine}). Answers are values: {@link Placement} for a placement, the
 * documented {@link VerifyOrderModel} for the verify calls; what the rules refuse is a
 * {@link Refusal}. ClientId idempotency lives here alone ({@link #retryOf}).
 */
public final class OrderService {

    /** The ErrorDescription of a ClientId reused for another order. */
    public static final String DUPLICATE_CLIENT_ID = "DuplicateClientId";
    /** Sub-dollar stock prices trade in this tick (Reg NMS). */
    static final String SUB_DOLLAR_TICK = "0.0001";
    /** Option prices trade in cents here. */
    static final String OPTION_TICK = "0.01";
    /** Shares per option contract. */
    static final int OPTION_CONTRACT_SIZE = 100;

    private final TradingService trading;
    private final OrderReads reads;
    private final Securities securities;
    private final OptionChains options;
    private final Market market;
    private final OrderDetails details;
    /**
     * Placements by outcome: placed, rejected (by the engine's rules), retry (a ClientId's same order
     * again), duplicate_client_id, invalid (refused before the engine), unavailable (busy), error.
     */
    private final Counter placements;

    public OrderService(TradingService trading, OrderReads reads, Securities securities, OptionChains options,
            Market market, Metrics metrics) {
        this.placements = metrics.counter("crater_order_placements_total",
                "Order placements by outcome (placed, rejected, retry, duplicate_client_id, invalid, unavailable, error).",
                "outcome");
        this.trading = trading;
        this.reads = reads;
        this.securities = securities;
        this.options = options;
        this.market = market;
        this.details = new OrderDetails(reads);
    }

    /** What a placement came to. */
    public sealed interface Placement {
    }

    /** The order was accepted (it may already be filled, or canceled by its time in force). */
    public record Placed(OrderResource order) implements Placement {
    }

    /** The engine refused the order: the documented answer with {@code IsSuccessful: false}. */
    public record Refused(VerifyOrderModel answer) implements Placement {
    }

    /** The ClientId is the account's for another order: nothing was placed. */
    public record DuplicateClientId(VerifyOrderModel answer) implements Placement {
    }

    /**
     * Places an order. A ClientId the account used before answers the original order when the
     * request is the same order (a retry), and {@link DuplicateClientId} when it is another.
     *
     * @param raw the body as sent, stored with the order (the ClientId comparison reads it back)
     * @throws Refusal.Invalid for a request that cannot be an order (an unknown symbol, a bad tick)
     * @throws Refusal.Unavailable when the engine does not answer within its deadline
     */
    public Placement place(AccountService.AccountAccess access, OrderRequests.CreateOrderResource r, byte[] raw) {
        String outcome = "error";
        try {
            Optional<Placement> retry = retryOf(access.account().id(), r);
            if (retry.isPresent()) {
                outcome = retry.get() instanceof DuplicateClientId ? "duplicate_client_id" : "retry";
                return retry.get();
            }
            Placement p = placeNew(access, r, raw);
            outcome = switch (p) {
                case Refused refused -> "rejected";
                case DuplicateClientId duplicate -> "duplicate_client_id";
                default -> "placed";
            };
            return p;
        } catch (Refusal.Unavailable e) {
            outcome = "unavailable";
            throw e;
        } catch (Refusal e) {
            outcome = "invalid";
            throw e;
        } finally {
            placements.inc(outcome);
        }
    }

    private Placement placeNew(AccountService.AccountAccess access, OrderRequests.CreateOrderResource r, byte[] raw) {
        long account = access.account().id();
        Prepared p = prepare(access, r, raw, "placeParams");
        long rootId = p.place().order().orderId();
        List<Event> events = trading.submit(account, p.place(), Map.of(rootId, p.context()));
        for (Event e : events) {
            if (e instanceof Event.Rejected rejected && rejected.ref() == rootId) {
                return new Refused(refusal(rejected));
            }
        }
        boolean accepted = events.stream().anyMatch(e -> e instanceof Event.Accepted a && a.orderId() == rootId);
        if (!accepted) {
            // A concurrent placement with the same ClientId won: a retry gets its order, another order a 409.
            Optional<Placement> retry = retryOf(account, r);
            if (retry.isPresent()) {
                return retry.get();
            }
        }
        // A single order is answered from its stored acceptance and fills; groups are read back.
        for (Event e : events) {
            if (e instanceof Event.Accepted a && a.orderId() == rootId && a.order().securityId() > 0
                    && p.place().order().legs().isEmpty()) {
                return new Placed(reads.placed(a.order(), p.context(), events));
            }
        }
        return new Placed(reads.byId(account, rootId).orElseThrow(() -> new IllegalStateException(
                "order " + rootId + " was accepted but is not stored")));
    }

    /** Checks an order as if placed now, without placing it. */
    public OrderPreviewResource verify(AccountService.AccountAccess access, OrderRequests.CreateOrderResource r,
            byte[] raw) {
        Prepared p = prepare(access, r, raw, "placeParams");
        return preview(access.account(), p, trading.verify(access.account().id(), p.place()));
    }

    /**
     * Verify-replace: the order as it would be after the change, checked like a new order (its
     * current reservation still counts, so the answer is conservative).
     */
    public OrderPreviewResource verifyReplace(AccountService.AccountAccess access, long orderId,
            OrderRequests.ModifyOrderResource m, byte[] raw) {
        OrderRequests.CreateOrderResource changed = changed(currentRequest(access.account().id(), orderId), m);
        Prepared p = prepare(access, changed, raw, "modifyParams");
        return preview(access.account(), p, trading.verify(access.account().id(), p.place())).withOrderId(orderId);
    }

    /**
     * Validate-by-id: the order as it stands now checked again as if placed now; the documented envelope
     * with the spec's OrderVerifiedResource beside it.
     */
    public ValidatedOrder validateById(AccountService.AccountAccess access, long orderId) {
        OrderRequests.CreateOrderResource current = currentRequest(access.account().id(), orderId);
        Prepared p = prepare(access, current, "{}".getBytes(StandardCharsets.UTF_8), "placeParams");
        OrderPreviewResource m = preview(access.account(), p, trading.verify(access.account().id(), p.place()))
                .withOrderId(orderId);
        VerifiedOrder model = new VerifiedOrder(orderId, m.isSuccessful(), m.errorDescription(),
                m.errorDescriptionText(), m.errorDescriptionArgs(), m.commission(), m.commissions(), m.cost(),
                m.netCost(), m.totalCost(), m.quotes(), m.marginChange());
        return new ValidatedOrder(model, List.of(), true, m);
    }

    /**
     * An account's order (root or leg), with its legs.
     *
     * @throws Refusal.NotFound when the account has no such order
     */
    public OrderResource get(long accountId, long orderId) {
        return reads.byId(accountId, orderId).orElseThrow(() -> notFound(orderId));
    }

    /** The account's open orders (legs among them, not nested), oldest first, at most {@code limit}. */
    public List<OrderResource> openOrders(long accountId, int limit) {
        return reads.open(accountId, limit);
    }

    /** One of the account's orders as stored, without its legs (the trade-data streamer's reads). */
    public Optional<OrderResource> stored(long accountId, long orderId) {
        return reads.single(accountId, orderId);
    }

    /** A page of an account's top-level orders, filtered and sorted as asked. */
    public OrderReads.Page page(long accountId, Optional<Filter> filter, String sortField, boolean desc,
            int pageNumber, int pageSize) {
        return reads.page(accountId, filter, sortField, desc, pageNumber, pageSize);
    }

    /**
     * The executions of one of the account's orders (the spec's order details), in time order.
     *
     * @throws Refusal.NotFound when the account has no such order
     */
    public List<OrderDetails.OrderDetailsModel> details(long accountId, long orderId) {
        return details.of(accountId, get(accountId, orderId));
    }

    /** A page of the top-level orders of several accounts together (ids the caller may read; not empty). */
    public OrderReads.Page page(List<Long> accountIds, PagedQuery.Request request) {
        return reads.page(accountIds, request);
    }

    /**
     * Cancels an open order.
     *
     * @throws Refusal.NotFound when the account has no such order
     * @throws Refusal.Conflict when the order is no longer open, or the engine refuses
     */
    public void cancel(long accountId, long orderId) {
        get(accountId, orderId);
        List<Event> events = trading.submit(accountId, new Command.Cancel(market.nowMs(), accountId, orderId),
                Map.of());
        refuseOnRejection(events, orderId, "canceled");
    }

    /**
     * Changes an open order's quantity, prices, trailing amounts or expiry.
     *
     * @return the order as it stands after the change
     * @throws Refusal.NotFound when the account has no such order
     * @throws Refusal.Conflict when the order is no longer open, or the engine refuses the change
     */
    public OrderResource replace(long accountId, long orderId, OrderRequests.ModifyOrderResource m) {
        get(accountId, orderId);
        List<Event> events = trading.submit(accountId, replaceCommand(accountId, orderId, m), Map.of());
        refuseOnRejection(events, orderId, "replaced");
        return reads.byId(accountId, orderId).orElseThrow();
    }

    private static void refuseOnRejection(List<Event> events, long orderId, String verb) {
        for (Event e : events) {
            if (e instanceof Event.Rejected r) {
                // The engine keeps live orders only: a stored order it does not know is finished.
                throw new Refusal.Conflict(r.code() == RejectCode.OrderNotFound
                        ? "Order " + orderId + " is no longer open and cannot be " + verb + "." : r.text());
            }
        }
    }

    private static Refusal.NotFound notFound(long orderId) {
        return new Refusal.NotFound("Order " + orderId + " was not found in this account.");
    }

    // ---- ClientId idempotency --------------------------------------------------------------------

    /**
     * A placement under a ClientId the account has used: the same order (equal normal forms, see
     * {@link OrderRequests.NormalOrder}) is a retry and answers the original order; any other order
     * is a {@link DuplicateClientId}, and nothing is placed. Empty when the ClientId is new (or none).
     */
    private Optional<Placement> retryOf(long account, OrderRequests.CreateOrderResource r) {
        if (r.clientId() == null || r.clientId().isBlank()) {
            return Optional.empty();
        }
        String clientId = r.clientId().trim();
        Optional<TradingStore.ClientOrder> found = trading.orderByClientId(account, clientId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TradingStore.ClientOrder original = found.get();
        OrderRequests.NormalOrder asked = OrderRequests.NormalOrder.of(r, "placeParams");
        OrderRequests.NormalOrder placed;
        try {
            placed = OrderRequests.NormalOrder.of(Json.read(original.requestJson().getBytes(StandardCharsets.UTF_8),
                    OrderRequests.CreateOrderResource.class), "placeParams");
        } catch (IOException | Refusal.Invalid e) {
            // A stored body this version cannot read the same way: it cannot be shown to be the same order.
            placed = null;
        }
        if (asked.equals(placed)) {
            return Optional.of(new Placed(reads.byId(account, original.orderId()).orElseThrow()));
        }
        return Optional.of(new DuplicateClientId(new VerifyOrderModel(false, DUPLICATE_CLIENT_ID,
                "ClientId '" + clientId + "' is already used by order " + original.orderId()
                        + ", placed with other parameters.",
                List.of(clientId, String.valueOf(original.orderId())), BigDecimal.ZERO, Map.of(), BigDecimal.ZERO,
                BigDecimal.ZERO, null, null, BigDecimal.ZERO)));
    }

    // ---- answers ----------------------------------------------------------------------------------

    private static BigDecimal money(long fixed) {
        return fixed == Fixed.NONE ? BigDecimal.ZERO : Fixed.toBigDecimal(fixed).stripTrailingZeros();
    }

    private OrderPreviewResource preview(Account account, Prepared p, Verification v) {
        Map<String, BigDecimal> commissions = new LinkedHashMap<>();
        if (v.successful()) {
            v.commissions().forEach((k, val) -> commissions.put(k, money(val)));
        }
        List<QuoteModel> quotes = new ArrayList<>();
        for (int id : p.securities()) {
            market.quote(id).map(q -> QuoteModel.of(q, exchange(id))).ifPresent(quotes::add);
        }
        OrderSpec spec = p.place().order();
        // A spread's or conditional group's root has no instrument of its own: no single rate applies.
        boolean single = spec.instrument() != null && spec.side() != null;
        BigDecimal initialRate = single ? MarginRates.initial(account.marginType(), spec.instrument(), spec.side())
                : null;
        BigDecimal maintenanceRate = single ? MarginRates.maintenance(spec.instrument(),
                spec.side() == Side.Buy || spec.side() == Side.BuyToCover) : null;
        Map<String, BigDecimal> rates = commissionRates(account, spec);
        if (!v.successful()) {
            return new OrderPreviewResource(false, v.code().name(), v.text(), List.of(), BigDecimal.ZERO, commissions,
                    BigDecimal.ZERO, BigDecimal.ZERO, null, quotes, BigDecimal.ZERO, null, rates, BigDecimal.ONE,
                    initialRate, maintenanceRate, initialRate, null, null, null);
        }
        return new OrderPreviewResource(true, null, null, null, money(v.commission()), commissions, money(v.cost()),
                money(v.netCost()), money(v.commission()), quotes, money(v.marginChange()), null, rates,
                BigDecimal.ONE, initialRate, maintenanceRate, initialRate, null, null, null);
    }

    /** The listing venue a security is quoted on (options: the options exchanges). */
    private String exchange(int securityId) {
        return securities.snapshot().byId(securityId).map(Security::exchange).orElse(OptionResource.EXCHANGE);
    }

    /**
     * The rates an order's commissions are charged at, in dollars, under the keys of {@code Commissions}:
     * its ExecutionInstructions' rates where it names them, else the account's plan (per share for stock,
     * per contract for options).
     */
    private static Map<String, BigDecimal> commissionRates(Account account, OrderSpec spec) {
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        rates.put(Fee.PER_TRADE, spec.perTradeCommission() != Fixed.NONE ? money(spec.perTradeCommission())
                : account.perTradeCommission().stripTrailingZeros());
        boolean option = spec.instrument() != null && spec.instrument().isOption();
        BigDecimal perUnit = spec.perContractCommissionCents() != Fixed.NONE
                ? Fixed.toBigDecimal(spec.perContractCommissionCents()).movePointLeft(2)
                : option ? account.perContractCommission() : account.perShareCommission();
        rates.put(Fee.PER_CONTRACT, perUnit.stripTrailingZeros());
        return rates;
    }

    private static VerifyOrderModel refusal(Event.Rejected r) {
        return new VerifyOrderModel(false, r.code().name(), r.text(), List.of(), BigDecimal.ZERO, Map.of(),
                BigDecimal.ZERO, BigDecimal.ZERO, null, null, BigDecimal.ZERO);
    }

    // ---- building engine orders -------------------------------------------------------------------

    /** What a symbol resolves to. */
    private record Target(int securityId, String symbol, Instrument instrument) {
    }

    private Target target(String symbol, String arg) {
        if (symbol == null || symbol.isBlank()) {
            throw OrderRequests.invalid(arg, "Symbol", "Symbol is required");
        }
        String s = symbol.trim();
        Optional<Security> equity = securities.snapshot().bySymbol(s);
        if (equity.isPresent()) {
            Security e = equity.get();
            boolean tradable = e.enabled() && e.allowTrade();
            return new Target(e.id(), e.symbol(), new Instrument(1, e.allowShort(), e.allowMargin(),
                    Fixed.of(e.tickSize()), false, tradable));
        }
        Optional<OptionContract> option = options.bySymbol(s);
        if (option.isPresent()) {
            OptionContract c = option.get();
            boolean expired = market.nowMs() >= options.expiryMs(c);
            Security u = c.underlying();
            return new Target(c.id(), c.symbol(), new Instrument(OPTION_CONTRACT_SIZE, u.allowShort(), false,
                    Fixed.of(OPTION_TICK), true, u.enabled() && u.allowTrade() && !expired));
        }
        throw OrderRequests.invalid(arg, "Symbol", "Security '" + (s.length() > 40 ? s.substring(0, 40) : s)
                + "' was not found.");
    }

    /** A sub-dollar price trades in 0.0001 (Reg NMS); the engine checks ticks against this. */
    private static Instrument tickFor(Instrument i, long price) {
        if (!i.isOption() && price != Fixed.NONE && price < Fixed.units(1)) {
            return new Instrument(i.contractSize(), i.allowShort(), i.allowMargin(), Math.min(i.tickSize(),
                    Fixed.of(SUB_DOLLAR_TICK)), i.isOption(), i.tradable());
        }
        return i;
    }

    /**
     * The engine's order for a request. {@code spreadLeg}: a leg of a Market/Limit root, which carries
     * only Symbol, Quantity and Side.
     */
    private OrderSpec spec(OrderRequests.CreateOrderResource r, String arg, int depth, boolean spreadLeg) {
        if (r.parentId() != null && r.parentId() != 0) {
            // The spec's ParentId names a parent order; Crater attaches orders to one only through Legs.
            throw OrderRequests.invalid(arg, "ParentId", "ParentId must be 0: send dependent orders as Legs.");
        }
        OrderType type = spreadLeg && (r.type() == null || r.type().isBlank()) ? OrderType.Market
                : OrderRequests.type(r.type(), arg);
        OrderSpec.Builder b = OrderSpec.builder(trading.nextOrderId()).type(type)
                .tif(OrderRequests.tif(r.timeInforce(), arg))
                .sessions(OrderRequests.sessions(r.extendedHours(), arg))
                .allOrNone(OrderRequests.allOrNone(r.execInst(), arg));
        commissions(b, r, arg);
        long expire = OrderRequests.expireDate(r.expireDate(), arg);
        if (expire != Fixed.NONE) {
            b.expireAt(expire);
        }
        List<OrderRequests.CreateOrderResource> legs = r.legs() == null ? List.of() : r.legs();
        if (legs.size() > OrderLimits.LEGS_MAX) {
            throw OrderRequests.invalid(arg, "Legs", "At most " + OrderLimits.LEGS_MAX + " legs.");
        }
        if (depth > 1 && !legs.isEmpty()) {
            throw OrderRequests.invalid(arg, "Legs", "Legs cannot have legs.");
        }
        boolean root = !type.conditional() && legs.isEmpty();
        if (root || !type.conditional() && (r.symbol() != null && !r.symbol().isBlank())) {
            Target t = target(r.symbol(), arg);
            long limit = OrderRequests.price(r.price(), arg, "Price");
            long stop = OrderRequests.price(r.stopPrice(), arg, "StopPrice");
            b.security(t.securityId(), t.symbol()).instrument(tickFor(t.instrument(), limit != Fixed.NONE ? limit : stop));
        }
        if (r.side() != null || root || depth > 0) {
            b.side(OrderRequests.side(r.side(), arg));
        }
        if (r.quantity() != null || !type.conditional()) {
            b.quantityFixed(OrderRequests.quantity(r.quantity(), arg, "Quantity"));
        }
        prices(b, r, arg);
        if (!legs.isEmpty()) {
            List<OrderSpec> specs = new ArrayList<>();
            for (int i = 0; i < legs.size(); i++) {
                if (legs.get(i) == null) {
                    throw OrderRequests.invalid(arg, "Legs[" + i + "]", "A leg is required.");
                }
                specs.add(spec(legs.get(i), arg + ".Legs[" + i + "]", depth + 1, !type.conditional()));
            }
            b.legs(specs);
        }
        return b.build();
    }

    /** The per-trade and per-contract commissions a request's ExecutionInstructions name. */
    private static void commissions(OrderSpec.Builder b, OrderRequests.CreateOrderResource r, String arg) {
        long perTrade = OrderRequests.instruction(r.executionInstructions(), "PerTradeCommission", arg);
        if (perTrade != Fixed.NONE) {
            b.perTradeCommission(fixedText(perTrade));
        }
        long perContract = OrderRequests.instruction(r.executionInstructions(), "PerContractCommission", arg);
        if (perContract != Fixed.NONE) {
            b.perContractCommissionCents(fixedText(perContract));
        }
    }

    /** Limit, stop and trailing amounts. */
    private static void prices(OrderSpec.Builder b, OrderRequests.CreateOrderResource r, String arg) {
        long limit = OrderRequests.price(r.price(), arg, "Price");
        if (limit != Fixed.NONE) {
            b.limitFixed(limit);
        }
        long stop = OrderRequests.price(r.stopPrice(), arg, "StopPrice");
        if (stop != Fixed.NONE) {
            b.stopFixed(stop);
        }
        if (r.trailingStopAmount() != null && r.trailingStopAmount().signum() != 0) {
            b.trailing(r.trailingStopAmount().toPlainString(),
                    OrderRequests.trailType(r.trailingStopAmountType(), arg, "TrailingStopAmountType"));
        }
        if (r.trailingLimitAmount() != null && r.trailingLimitAmount().signum() != 0) {
            b.trailingLimit(r.trailingLimitAmount().toPlainString(),
                    OrderRequests.trailType(r.trailingLimitAmountType(), arg, "TrailingLimitAmountType"));
        }
    }

    private static String fixedText(long fixed) {
        return fixed == Fixed.NONE ? null : Fixed.toBigDecimal(fixed).toPlainString();
    }

    /** An engine command ready to submit, what the store keeps beside it, and the securities it names. */
    private record Prepared(Command.Place place, TradingStore.NewOrderContext context, List<Integer> securities) {
    }

    private Prepared prepare(AccountService.AccountAccess access, OrderRequests.CreateOrderResource r, byte[] raw,
            String arg) {
        if (r.clientId() != null && r.clientId().length() > OrderRequests.CLIENT_ID_CHARS_MAX) {
            throw OrderRequests.invalid(arg, "ClientId", "ClientId is at most "
                    + OrderRequests.CLIENT_ID_CHARS_MAX + " characters.");
        }
        if (r.comment() != null && r.comment().length() > OrderRequests.COMMENT_CHARS_MAX) {
            throw OrderRequests.invalid(arg, "Comment", "Comment is at most "
                    + OrderRequests.COMMENT_CHARS_MAX + " characters.");
        }
        OrderSpec spec = spec(r, arg, 0, false);
        boolean reduceOnly = access.link().accessType() == Account.AccessType.ClosePositionsOnly;
        String instructions = r.executionInstructions() == null ? null : TradingStore.json(r.executionInstructions());
        TradingStore.NewOrderContext context = new TradingStore.NewOrderContext(
                r.clientId() == null || r.clientId().isBlank() ? null : r.clientId().trim(), r.comment(),
                r.exchange() == null || r.exchange().isBlank() ? "Auto" : r.exchange().trim(), r.extendedHours(),
                instructions, new String(raw, StandardCharsets.UTF_8));
        List<Integer> ids = new ArrayList<>();
        if (spec.securityId() > 0) {
            ids.add(spec.securityId());
        }
        spec.legs().stream().filter(l -> l.securityId() > 0).forEach(l -> ids.add(l.securityId()));
        return new Prepared(new Command.Place(market.nowMs(), access.account().id(), access.link().userId(),
                reduceOnly, spec), context, ids);
    }

    private Command.Replace replaceCommand(long account, long id, OrderRequests.ModifyOrderResource m) {
        String arg = "modifyParams";
        if (m.id() != null && m.id() != id) {
            throw OrderRequests.invalid(arg, "Id", "Id must match the order in the path.");
        }
        long quantity = m.quantity() == null || m.quantity().signum() == 0 ? Fixed.NONE
                : OrderRequests.quantity(m.quantity(), arg, "Quantity");
        long expire = OrderRequests.expireDate(m.expireDate(), arg);
        long trail = m.trailingStopAmount() == null || m.trailingStopAmount().signum() == 0 ? Fixed.NONE
                : Fixed.of(m.trailingStopAmount());
        long trailLimit = m.trailingLimitAmount() == null || m.trailingLimitAmount().signum() == 0 ? Fixed.NONE
                : Fixed.of(m.trailingLimitAmount());
        return new Command.Replace(market.nowMs(), account, id, quantity, OrderRequests.price(m.price(), arg, "Price"),
                OrderRequests.price(m.stopPrice(), arg, "StopPrice"), trail, trailLimit, expire);
    }

    /** The order's current request with a modification's fields applied. */
    private static OrderRequests.CreateOrderResource changed(OrderRequests.CreateOrderResource original,
            OrderRequests.ModifyOrderResource m) {
        return new OrderRequests.CreateOrderResource(original.symbol(), null,
                original.type(), original.side(), m.quantity() != null && m.quantity().signum() != 0 ? m.quantity()
                        : original.quantity(), m.price() != null ? m.price() : original.price(),
                m.stopPrice() != null ? m.stopPrice() : original.stopPrice(), original.timeInforce(),
                m.expireDate() != null ? m.expireDate() : original.expireDate(), original.execInst(), original.exchange(),
                original.extendedHours(), m.trailingStopAmount() != null ? m.trailingStopAmount()
                        : original.trailingStopAmount(), original.trailingStopAmountType(),
                m.trailingLimitAmount() != null ? m.trailingLimitAmount() : original.trailingLimitAmount(),
                original.trailingLimitAmountType(), m.executionInstructions() != null ? m.executionInstructions()
                        : original.executionInstructions(), original.legs(), null, null, original.comment(), null);
    }

    /**
     * The order as it stands now (after any replace), as a request: built from its stored row and, for
     * a conditional root or spread, its legs' rows.
     */
    private OrderRequests.CreateOrderResource currentRequest(long account, long id) {
        return request(get(account, id));
    }

    private static OrderRequests.CreateOrderResource request(OrderResource o) {
        List<OrderRequests.CreateOrderResource> legs = o.legs().isEmpty() ? null
                : o.legs().stream().map(OrderService::request).toList();
        BigDecimal open = o.quantity().subtract(o.executedQuantity());
        return new OrderRequests.CreateOrderResource(o.securityId() == 0 ? "" : o.symbol(), null, o.type(), o.side(),
                open.signum() > 0 ? open : o.quantity(), o.price().signum() == 0 ? null : o.price(),
                o.stopPrice().signum() == 0 ? null : o.stopPrice(), o.timeInForce(),
                "GoodTillDate".equals(o.timeInForce()) ? o.expireDate() : null,
                o.execInst() instanceof String s ? s : null, o.exchange(), o.extendedHours(),
                o.trailingStopAmount().signum() == 0 ? null : o.trailingStopAmount(), o.trailingStopAmountType(),
                o.trailingLimitAmount().signum() == 0 ? null : o.trailingLimitAmount(), o.trailingLimitAmountType(),
                instructions(o.executionInstructions()), legs, null, null, o.comment(), null);
    }

    /** The client's ExecutionInstructions without what the server adds. */
    private static Map<String, String> instructions(Map<String, String> shown) {
        Map<String, String> m = new LinkedHashMap<>(shown);
        m.remove("CreateOrderRequestTimeUnix");
        return m.isEmpty() ? null : m;
    }
}
