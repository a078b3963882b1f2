package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.auth.ApiGuard;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Envelope;
import dev.crater.http.HttpSupport;
import dev.crater.http.Json;
import dev.crater.http.Paging;
import dev.crater.market.Market;
import dev.crater.market.Quote;
import dev.crater.orders.engine.Command;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.Instrument;
import dev.crater.orders.engine.OrderSpec;
import dev.crater.orders.engine.OrderType;
import dev.crater.orders.engine.Verification;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import dev.crater.securities.Securities;
import dev.crater.securities.Security;
import dev.crater.store.filter.FilterException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Orders (reference 04-orders.md): verify, place, verify-replace, replace, cancel, get, the paged
 * list and validate-by-id, each also under {@code syncorders}. Malformed bodies are 422 ModelState
 * under {@code placeParams}/{@code modifyParams}; a well-formed order the engine refuses answers the
 * documented VerifyOrderModel shape ({@code IsSuccessful: false} with the {@code ErrorDescription}
 * code); a retried ClientId answers the original order, and a ClientId reused for another order is a
 * 409 in that shape ({@code DuplicateClientId}).
 */
public final class OrderRoutes implements HttpService {

    /** Named limit: orders per page (documented maximum). */
    public static final int PAGE_SIZE_MAX = 100;

    private final AccountService accounts;
    private final TradingService trading;
    private final OrderReads reads;
    private final Securities securities;
    private final OptionChains options;
    private final Market market;

    public OrderRoutes(AccountService accounts, TradingService trading, OrderReads reads, Securities securities,
            OptionChains options) {
        this.accounts = accounts;
        this.trading = trading;
        this.reads = reads;
        this.securities = securities;
        this.options = options;
        this.market = trading.market();
    }

    @Override
    public void routing(HttpRules rules) {
        for (String orders : List.of("orders", "syncorders")) {
            rules.post("/accounts/{accountId}/preview/" + orders + "[/]", this::verify)
                    .put("/accounts/{accountId}/preview/" + orders + "/{orderId}[/]", this::verifyReplace)
                    .post("/accounts/{accountId}/" + orders + "[/]", this::place)
                    .get("/accounts/{accountId}/" + orders + "[/]", this::list)
                    .get("/accounts/{accountId}/" + orders + "/{orderId}[/]", this::get)
                    .put("/accounts/{accountId}/" + orders + "/{orderId}[/]", this::replace)
                    .delete("/accounts/{accountId}/" + orders + "/{orderId}[/]", this::cancel);
        }
        rules.get("/accounts/{accountId}/verified/orders/{orderId}[/]", this::validateById);
    }

    // ---- models --------------------------------------------------------------------------------

    /** A quote in verify answers (QuoteModel with the fields of the newest example). */
    @JsonPropertyOrder({"Symbol", "SecurityId", "Timestamp", "Ask", "Bid", "Last", "Mark", "Price", "Key", "High", "Low",
            "Open", "Close", "Change", "ChangePc", "TotalDailyVolume", "Volume", "OpenInterest", "AskSize", "BidSize",
            "PreviousClose", "IsHalted"})
    public record QuoteModel(String symbol, int securityId, String timestamp, BigDecimal ask, BigDecimal bid,
            BigDecimal last, BigDecimal mark, BigDecimal price, String key, BigDecimal high, BigDecimal low,
            BigDecimal open, BigDecimal close, BigDecimal change, BigDecimal changePc, long totalDailyVolume,
            long volume, int openInterest, long askSize, long bidSize, BigDecimal previousClose, boolean isHalted) {
        static QuoteModel of(Quote q) {
            BigDecimal change = q.change();
            BigDecimal pc = q.previousClose().signum() == 0 ? BigDecimal.ZERO
                    : change.multiply(BigDecimal.valueOf(100)).divide(q.previousClose(), 4, RoundingMode.HALF_EVEN);
            return new QuoteModel(q.symbol(), q.securityId(), Instant.ofEpochMilli(q.timeMs()).toString(), q.ask(),
                    q.bid(), q.last(), q.mark(), q.last(), String.valueOf(q.securityId()), q.high(), q.low(),
                    q.open() == null ? BigDecimal.ZERO : q.open(), q.last(), change, pc.stripTrailingZeros(),
                    q.volume(), q.volume(), 0, q.askSize(), q.bidSize(), q.previousClose(), q.halted());
        }
    }

    /** VerifyOrderModel; error fields are left out of a successful answer, as in the examples. */
    @JsonPropertyOrder({"IsSuccessful", "ErrorDescription", "ErrorDescriptionText", "ErrorDescriptionArgs", "Commission",
            "Commissions", "Cost", "NetCost", "TotalCost", "Quotes", "MarginChange"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifyOrderModel(boolean isSuccessful, String errorDescription, String errorDescriptionText,
            List<String> errorDescriptionArgs, BigDecimal commission, Map<String, BigDecimal> commissions,
            BigDecimal cost, BigDecimal netCost, BigDecimal totalCost, List<QuoteModel> quotes,
            BigDecimal marginChange) {
    }

    /** validate-by-id's {@code Model}: the order id and its VerifyOrderModel. */
    @JsonPropertyOrder({"OrderId", "IsSuccessful", "ErrorDescription", "ErrorDescriptionText", "ErrorDescriptionArgs",
            "Commission", "Commissions", "Cost", "NetCost", "TotalCost", "Quotes", "MarginChange"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifiedOrder(long orderId, boolean isSuccessful, String errorDescription,
            String errorDescriptionText, List<String> errorDescriptionArgs, BigDecimal commission,
            Map<String, BigDecimal> commissions, BigDecimal cost, BigDecimal netCost, BigDecimal totalCost,
            List<QuoteModel> quotes, BigDecimal marginChange) {
    }

    private static BigDecimal money(long fixed) {
        return fixed == Fixed.NONE ? BigDecimal.ZERO : Fixed.toBigDecimal(fixed).stripTrailingZeros();
    }

    private VerifyOrderModel verifyModel(Verification v, List<Integer> securityIds) {
        Map<String, BigDecimal> commissions = new LinkedHashMap<>();
        if (v.successful()) {
            v.commissions().forEach((k, val) -> commissions.put(k, money(val)));
        }
        List<QuoteModel> quotes = new ArrayList<>();
        for (int id : securityIds) {
            market.quote(id).map(QuoteModel::of).ifPresent(quotes::add);
        }
        if (!v.successful()) {
            return new VerifyOrderModel(false, v.code().name(), v.text(), List.of(), BigDecimal.ZERO, commissions,
                    BigDecimal.ZERO, BigDecimal.ZERO, null, quotes, BigDecimal.ZERO);
        }
        return new VerifyOrderModel(true, null, null, null, money(v.commission()), commissions, money(v.cost()),
                money(v.netCost()), money(v.commission()), quotes, money(v.marginChange()));
    }

    private static VerifyOrderModel refusal(Event.Rejected r) {
        return new VerifyOrderModel(false, r.code().name(), r.text(), List.of(), BigDecimal.ZERO, Map.of(),
                BigDecimal.ZERO, BigDecimal.ZERO, null, null, BigDecimal.ZERO);
    }

    // ---- building engine orders ----------------------------------------------------------------

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
            return new Target(c.id(), c.symbol(), new Instrument(100, u.allowShort(), false, Fixed.of("0.01"), true,
                    u.enabled() && u.allowTrade() && !expired));
        }
        throw OrderRequests.invalid(arg, "Symbol", "Security '" + (s.length() > 40 ? s.substring(0, 40) : s)
                + "' was not found.");
    }

    /** A sub-dollar price trades in 0.0001 (Reg NMS); the engine checks ticks against this. */
    private static Instrument tickFor(Instrument i, long price) {
        if (!i.isOption() && price != Fixed.NONE && price < Fixed.units(1)) {
            return new Instrument(i.contractSize(), i.allowShort(), i.allowMargin(), Math.min(i.tickSize(),
                    Fixed.of("0.0001")), i.isOption(), i.tradable());
        }
        return i;
    }

    private OrderSpec spec(OrderRequests.CreateOrderResource r, String arg, int depth) {
        return spec(r, arg, depth, false);
    }

    /** {@code spreadLeg}: a leg of a Market/Limit root, which carries only Symbol, Quantity and Side. */
    private OrderSpec spec(OrderRequests.CreateOrderResource r, String arg, int depth, boolean spreadLeg) {
        OrderType type = spreadLeg && (r.type() == null || r.type().isBlank()) ? OrderType.Market
                : OrderRequests.type(r.type(), arg);
        long id = trading.nextOrderId();
        OrderSpec.Builder b = OrderSpec.builder(id).type(type)
                .tif(OrderRequests.tif(r.timeInforce(), arg))
                .sessions(OrderRequests.sessions(r.extendedHours(), arg))
                .allOrNone(OrderRequests.allOrNone(r.execInst(), arg));
        long perTrade = OrderRequests.instruction(r.executionInstructions(), "PerTradeCommission", arg);
        if (perTrade != Fixed.NONE) {
            b.perTradeCommission(fixedText(perTrade));
        }
        long perContract = OrderRequests.instruction(r.executionInstructions(), "PerContractCommission", arg);
        if (perContract != Fixed.NONE) {
            b.perContractCommissionCents(fixedText(perContract));
        }
        long expire = OrderRequests.expireDate(r.expireDate(), arg);
        if (expire != Fixed.NONE) {
            b.expireAt(expire);
        }
        List<OrderRequests.CreateOrderResource> legs = r.legs() == null ? List.of() : r.legs();
        if (legs.size() > OrderRequests.LEGS_MAX) {
            throw OrderRequests.invalid(arg, "Legs", "At most " + OrderRequests.LEGS_MAX + " legs.");
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

    private static String fixedText(long fixed) {
        return fixed == Fixed.NONE ? null : Fixed.toBigDecimal(fixed).toPlainString();
    }

    private record Placement(Command.Place place, TradingStore.NewOrderContext context, List<Integer> securities) {
    }

    private Placement placement(AccountService.AccountAccess access, OrderRequests.CreateOrderResource r, byte[] raw,
            String arg) {
        if (r.clientId() != null && r.clientId().length() > OrderRequests.CLIENT_ID_CHARS_MAX) {
            throw OrderRequests.invalid(arg, "ClientId", "ClientId is at most "
                    + OrderRequests.CLIENT_ID_CHARS_MAX + " characters.");
        }
        if (r.comment() != null && r.comment().length() > OrderRequests.COMMENT_CHARS_MAX) {
            throw OrderRequests.invalid(arg, "Comment", "Comment is at most "
                    + OrderRequests.COMMENT_CHARS_MAX + " characters.");
        }
        OrderSpec spec = spec(r, arg, 0);
        boolean reduceOnly = access.link().accessType() == Account.AccessType.ClosePositionsOnly;
        String instructions = r.executionInstructions() == null ? null : TradingStore.json(r.executionInstructions());
        TradingStore.NewOrderContext ctx = new TradingStore.NewOrderContext(
                r.clientId() == null || r.clientId().isBlank() ? null : r.clientId().trim(), r.comment(),
                r.exchange() == null || r.exchange().isBlank() ? "Auto" : r.exchange().trim(), r.extendedHours(),
                instructions, new String(raw, java.nio.charset.StandardCharsets.UTF_8));
        List<Integer> ids = new ArrayList<>();
        if (spec.securityId() > 0) {
            ids.add(spec.securityId());
        }
        spec.legs().stream().filter(l -> l.securityId() > 0).forEach(l -> ids.add(l.securityId()));
        return new Placement(new Command.Place(market.nowMs(), access.account().id(), access.link().userId(),
                reduceOnly, spec), ctx, ids);
    }

    private AccountService.AccountAccess access(ServerRequest req, AccountService.Need need) {
        return accounts.access(ApiGuard.principal(req), req.path().pathParameters().get("accountId"), need);
    }

    private static long orderId(ServerRequest req) {
        String s = req.path().pathParameters().get("orderId");
        try {
            long id = Long.parseLong(s.trim());
            if (id <= 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.modelState("orderId", "The value '" + (s.length() > 40 ? s.substring(0, 40) : s)
                    + "' is not valid for Int32.");
        }
    }

    // ---- handlers ------------------------------------------------------------------------------

    private void verify(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        byte[] raw = HttpSupport.body(req);
        OrderRequests.CreateOrderResource r = parse(req, raw, OrderRequests.CreateOrderResource.class, "placeParams");
        Placement p = placement(access, r, raw, "placeParams");
        Verification v = trading.verify(access.account().id(), p.place());
        HttpSupport.json(res, 200, verifyModel(v, p.securities()));
    }

    private static <T> T parse(ServerRequest req, byte[] raw, Class<T> type, String arg) {
        if (raw.length == 0) {
            throw ApiException.modelState(arg, "A request body is required.");
        }
        try {
            T value = Json.read(raw, type);
            if (value == null) {
                throw ApiException.modelState(arg, "A request body is required.");
            }
            return value;
        } catch (com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
            String field = e.getPath().isEmpty() ? "" : "." + e.getPath().getLast().getFieldName();
            throw ApiException.modelState(arg + field, "The value could not be read.");
        } catch (java.io.IOException e) {
            throw ApiException.modelState(arg, "The request body is not valid JSON.");
        }
    }

    private void place(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        long account = access.account().id();
        byte[] raw = HttpSupport.body(req);
        OrderRequests.CreateOrderResource r = parse(req, raw, OrderRequests.CreateOrderResource.class, "placeParams");
        if (r.clientId() != null && !r.clientId().isBlank()) {
            Optional<TradingStore.ClientOrder> existing = trading.store().orderByClientId(account, r.clientId().trim());
            if (existing.isPresent()) {
                answerRetry(res, account, r, existing.get());
                return;
            }
        }
        Placement p = placement(access, r, raw, "placeParams");
        long rootId = p.place().order().orderId();
        List<Event> events = trading.submit(account, p.place(), Map.of(rootId, p.context()));
        for (Event e : events) {
            if (e instanceof Event.Rejected rej && rej.ref() == rootId) {
                HttpSupport.json(res, 200, refusal(rej));
                return;
            }
        }
        boolean accepted = events.stream().anyMatch(e -> e instanceof Event.Accepted a && a.orderId() == rootId);
        if (!accepted && p.context().clientId() != null) {
            // A concurrent placement with the same ClientId won: a retry gets its order, another order a 409.
            Optional<TradingStore.ClientOrder> original = trading.store().orderByClientId(account, p.context().clientId());
            if (original.isPresent()) {
                answerRetry(res, account, r, original.get());
                return;
            }
        }
        // A single order is answered from its stored acceptance and fills; groups are read back.
        for (Event e : events) {
            if (e instanceof Event.Accepted a && a.orderId() == rootId && a.order().securityId() > 0
                    && p.place().order().legs().isEmpty()) {
                HttpSupport.json(res, 200, reads.placed(a.order(), p.context(), events));
                return;
            }
        }
        HttpSupport.json(res, 200, reads.byId(account, rootId).orElseThrow(() -> new IllegalStateException(
                "order " + rootId + " was accepted but is not stored")));
    }

    /** The ErrorDescription of a ClientId reused for another order. */
    static final String DUPLICATE_CLIENT_ID = "DuplicateClientId";

    /**
     * A placement under a ClientId the account has used: the same order (equal normal forms, see
     * {@link OrderRequests.NormalOrder}) is a retry and answers the original order; any other order
     * is a 409 in the refusal shape of the orders API, and nothing is placed.
     */
    private void answerRetry(ServerResponse res, long account, OrderRequests.CreateOrderResource r,
                             TradingStore.ClientOrder original) {
        OrderRequests.NormalOrder asked = OrderRequests.NormalOrder.of(r, "placeParams");
        OrderRequests.NormalOrder placed;
        try {
            placed = OrderRequests.NormalOrder.of(
                    Json.read(original.requestJson().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            OrderRequests.CreateOrderResource.class), "placeParams");
        } catch (java.io.IOException | ApiException e) {
            // A stored body this version cannot read the same way: it cannot be shown to be the same order.
            placed = null;
        }
        if (asked.equals(placed)) {
            HttpSupport.json(res, 200, reads.byId(account, original.orderId()).orElseThrow());
            return;
        }
        String clientId = r.clientId().trim();
        HttpSupport.json(res, 409, new VerifyOrderModel(false, DUPLICATE_CLIENT_ID,
                "ClientId '" + clientId + "' is already used by order " + original.orderId()
                        + ", placed with other parameters.",
                List.of(clientId, String.valueOf(original.orderId())), BigDecimal.ZERO, Map.of(), BigDecimal.ZERO,
                BigDecimal.ZERO, null, null, BigDecimal.ZERO));
    }

    private void get(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        long id = orderId(req);
        HttpSupport.json(res, 200, reads.byId(access.account().id(), id).orElseThrow(() -> new ApiException(404,
                new ApiError.Message("Order " + id + " was not found in this account."))));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        Paging paging = Paging.read(req, Paging.Names.ORDERS, PAGE_SIZE_MAX);
        OrderReads.Page page;
        try {
            page = reads.page(access.account().id(), paging.filter(), paging.sortField(), paging.desc(),
                    paging.pageNumber(), paging.pageSize());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, paging.result(page.orders(), page.total(), req));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        long id = orderId(req);
        long account = access.account().id();
        if (reads.byId(account, id).isEmpty()) {
            throw new ApiException(404, new ApiError.Message("Order " + id + " was not found in this account."));
        }
        List<Event> events = trading.submit(account, new Command.Cancel(market.nowMs(), account, id), Map.of());
        for (Event e : events) {
            if (e instanceof Event.Rejected r) {
                // The engine keeps live orders only: a stored order it does not know is finished.
                throw new ApiException(409, new ApiError.Message(
                        r.code() == dev.crater.orders.engine.RejectCode.OrderNotFound
                                ? "Order " + id + " is no longer open and cannot be canceled." : r.text()));
            }
        }
        res.status(204).send();
    }

    private Command.Replace replaceCommand(long account, long id, OrderRequests.ModifyOrderResource m) {
        String arg = "modifyParams";
        if (m.id() != null && m.id() != id) {
            throw OrderRequests.invalid(arg, "Id", "Id must match the order in the path.");
        }
        long qty = m.quantity() == null || m.quantity().signum() == 0 ? Fixed.NONE
                : OrderRequests.quantity(m.quantity(), arg, "Quantity");
        long expire = OrderRequests.expireDate(m.expireDate(), arg);
        long trail = m.trailingStopAmount() == null || m.trailingStopAmount().signum() == 0 ? Fixed.NONE
                : Fixed.of(m.trailingStopAmount());
        long trailLimit = m.trailingLimitAmount() == null || m.trailingLimitAmount().signum() == 0 ? Fixed.NONE
                : Fixed.of(m.trailingLimitAmount());
        return new Command.Replace(market.nowMs(), account, id, qty, OrderRequests.price(m.price(), arg, "Price"),
                OrderRequests.price(m.stopPrice(), arg, "StopPrice"), trail, trailLimit, expire);
    }

    private void replace(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        long id = orderId(req);
        long account = access.account().id();
        byte[] raw = HttpSupport.body(req);
        OrderRequests.ModifyOrderResource m = parse(req, raw, OrderRequests.ModifyOrderResource.class, "modifyParams");
        if (reads.byId(account, id).isEmpty()) {
            throw new ApiException(404, new ApiError.Message("Order " + id + " was not found in this account."));
        }
        List<Event> events = trading.submit(account, replaceCommand(account, id, m), Map.of());
        for (Event e : events) {
            if (e instanceof Event.Rejected r) {
                throw new ApiException(409, new ApiError.Message(
                        r.code() == dev.crater.orders.engine.RejectCode.OrderNotFound
                                ? "Order " + id + " is no longer open and cannot be replaced." : r.text()));
            }
        }
        HttpSupport.json(res, 200, reads.byId(account, id).orElseThrow());
    }

    /**
     * Verify-replace: the order as it would be after the change, checked like a new order (its
     * current reservation still counts, so the answer is conservative).
     */
    private void verifyReplace(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        long id = orderId(req);
        long account = access.account().id();
        byte[] raw = HttpSupport.body(req);
        OrderRequests.ModifyOrderResource m = parse(req, raw, OrderRequests.ModifyOrderResource.class, "modifyParams");
        OrderRequests.CreateOrderResource original = currentRequest(account, id);
        OrderRequests.CreateOrderResource changed = new OrderRequests.CreateOrderResource(original.symbol(), null,
                original.type(), original.side(), m.quantity() != null && m.quantity().signum() != 0 ? m.quantity()
                        : original.quantity(), m.price() != null ? m.price() : original.price(),
                m.stopPrice() != null ? m.stopPrice() : original.stopPrice(), original.timeInforce(),
                m.expireDate() != null ? m.expireDate() : original.expireDate(), original.execInst(), original.exchange(),
                original.extendedHours(), m.trailingStopAmount() != null ? m.trailingStopAmount()
                        : original.trailingStopAmount(), original.trailingStopAmountType(),
                m.trailingLimitAmount() != null ? m.trailingLimitAmount() : original.trailingLimitAmount(),
                original.trailingLimitAmountType(), m.executionInstructions() != null ? m.executionInstructions()
                        : original.executionInstructions(), original.legs(), null, null, original.comment());
        Placement p = placement(access, changed, raw, "modifyParams");
        Verification v = trading.verify(account, p.place());
        HttpSupport.json(res, 200, verifyModel(v, p.securities()));
    }

    /**
     * The order as it stands now (after any replace), as a request: built from its stored row and, for
     * a conditional root or spread, its legs' rows.
     */
    private OrderRequests.CreateOrderResource currentRequest(long account, long id) {
        OrderResource o = reads.byId(account, id).orElseThrow(() -> new ApiException(404, new ApiError.Message(
                "Order " + id + " was not found in this account.")));
        return request(o);
    }

    private static OrderRequests.CreateOrderResource request(OrderResource o) {
        List<OrderRequests.CreateOrderResource> legs = o.legs().isEmpty() ? null
                : o.legs().stream().map(OrderRoutes::request).toList();
        BigDecimal open = o.quantity().subtract(o.executedQuantity());
        return new OrderRequests.CreateOrderResource(o.securityId() == 0 ? "" : o.symbol(), null, o.type(), o.side(),
                open.signum() > 0 ? open : o.quantity(), o.price().signum() == 0 ? null : o.price(),
                o.stopPrice().signum() == 0 ? null : o.stopPrice(), o.timeInForce(),
                "GoodTillDate".equals(o.timeInForce()) ? o.expireDate() : null,
                o.execInst() instanceof String s ? s : null, o.exchange(), o.extendedHours(),
                o.trailingStopAmount().signum() == 0 ? null : o.trailingStopAmount(), o.trailingStopAmountType(),
                o.trailingLimitAmount().signum() == 0 ? null : o.trailingLimitAmount(), o.trailingLimitAmountType(),
                instructions(o.executionInstructions()), legs, null, null, o.comment());
    }

    /** The client's ExecutionInstructions without what the server adds. */
    private static Map<String, String> instructions(Map<String, String> shown) {
        Map<String, String> m = new LinkedHashMap<>(shown);
        m.remove("CreateOrderRequestTimeUnix");
        return m.isEmpty() ? null : m;
    }

    /** Validate-by-id: the order as it stands now checked again as if placed now, in the documented envelope. */
    private void validateById(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        long id = orderId(req);
        long account = access.account().id();
        OrderRequests.CreateOrderResource current = currentRequest(account, id);
        Placement p = placement(access, current, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "placeParams");
        Verification v = trading.verify(account, p.place());
        VerifyOrderModel m = verifyModel(v, p.securities());
        VerifiedOrder model = new VerifiedOrder(id, m.isSuccessful(), m.errorDescription(), m.errorDescriptionText(),
                m.errorDescriptionArgs(), m.commission(), m.commissions(), m.cost(), m.netCost(), m.totalCost(),
                m.quotes(), m.marginChange());
        HttpSupport.json(res, 200, Envelope.okNoStatus(model));
    }
}
