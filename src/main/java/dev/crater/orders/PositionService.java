package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountCloseStore;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.http.Dates;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.market.Quote;
import dev.crater.market.TradingCalendar;
import dev.crater.orders.engine.Balances;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.OrderLimits;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.store.PagedQuery;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The positions feature's door (reference 05-positions.md) and the account figures built on
 * positions (03-accounts.md §1.1 balance map, §1 #5 value history). Positions are the stored rows
 * the engine wrote with each fill ({@link PositionStore}); balances come from the engine itself;
 * market values use the simulated market's current quotes.
 */
public final class PositionService {

    /** Named limits. */
    public static final int PAGE_SIZE_MAX = 99;
    public static final int HISTORY_DAYS_MAX = 3700;
    /** Short options' requirement as a share of their value (the engine's stand-in), for netCash. */
    static final BigDecimal SHORT_OPTION_REQUIREMENT = new BigDecimal("1.5");
    /** Sessions counted for day trades, today included. */
    static final int DAY_TRADE_SESSIONS = 5;

    private final PositionStore store;
    private final TradingService trading;
    private final Securities securities;
    private final OptionChains options;
    private final Market market;
    private final Parties parties;
    private final AccountCloseStore closes;

    public PositionService(PositionStore store, TradingService trading, Securities securities, OptionChains options,
            Market market, Parties parties, AccountCloseStore closes) {
        this.parties = parties;
        this.closes = closes;
        this.store = store;
        this.trading = trading;
        this.securities = securities;
        this.options = options;
        this.market = market;
    }

    /**
     * PositionResource, with the {@code MarketValueEOD} the examples show, then the properties only the
     * vendor spec defines ({@link PositionSpecFields}).
     */
    @JsonPropertyOrder({"Id", "AccountId", "SecurityId", "Symbol", "Name", "CompanyName", "SecurityCurrency",
            "SecurityType", "ContractSize", "CostBasis", "DailyCostBasis", "CreateDate", "ModifyDate", "Quantity",
            "RealizedProfitLoss", "AverageOpenPrice", "AverageClosePrice", "StopLossPrice", "TakeProfitPrice",
            "DailyCloseProfitLoss", "ExcessChanges", "DayQuantity", "MarketValueEOD"})
    public record PositionResource(long id, long accountId, int securityId, String symbol, String name,
            String companyName, String securityCurrency, String securityType, BigDecimal contractSize,
            BigDecimal costBasis, BigDecimal dailyCostBasis, String createDate, String modifyDate, BigDecimal quantity,
            BigDecimal realizedProfitLoss, BigDecimal averageOpenPrice, BigDecimal averageClosePrice,
            BigDecimal stopLossPrice, BigDecimal takeProfitPrice, BigDecimal dailyCloseProfitLoss,
            BigDecimal excessChanges, BigDecimal dayQuantity, BigDecimal marketValueEOD,
            @JsonUnwrapped PositionSpecFields spec) {
    }

    /**
     * PositionResource's properties that only the vendor spec defines, in its (alphabetical) order; null
     * where Crater has no value (account names, CUSIPs, the quantity at the session's open);
     * {@code Underlying*} only for options.
     *
     * @param eodPrice the previous regular close
     * @param marginType {@code Cash} in Cash accounts, {@code Short} for a short position, else {@code Margin}
     * @param unrealizedProfitLoss market value at the last price less the cost basis (shorts: plus)
     */
    public record PositionSpecFields(String accountHolderName, String accountName, String clearingAccount,
            String currency, String cusip, @JsonProperty("EODPrice") BigDecimal eodPrice, BigDecimal loanedQuantity,
            String marginType, BigDecimal openQuantity, BigDecimal tickSize, Long underlyingExpirationDate,
            String underlyingExpirationType, Integer underlyingId, String underlyingOptionType,
            BigDecimal underlyingStrike, String underlyingSymbol, BigDecimal unrealizedProfitLoss,
            Integer volumePrecision) {
    }

    /** {@code Name}/{@code MarketValue} pairs. */
    public record GroupValue(String name, BigDecimal marketValue) {
    }

    /** {@code AccountValueItem}. */
    public record AccountValueItem(String date, BigDecimal value) {
    }

    /** What a security id is, for positions. */
    private record Held(String name, String currency, SecurityType type, int contractSize) {
    }

    private Held held(int securityId, String symbol) {
        Optional<Security> s = securities.snapshot().byId(securityId);
        if (s.isPresent()) {
            return new Held(s.get().description(), s.get().currency(), s.get().type(), 1);
        }
        Optional<OptionContract> c = options.byId(securityId);
        if (c.isPresent()) {
            return new Held(c.get().description(), c.get().underlying().currency(), SecurityType.Option,
                    OrderService.OPTION_CONTRACT_SIZE);
        }
        return new Held(symbol, "USD", SecurityType.CommonStock, 1);
    }

    private PositionResource resource(PositionStore.Row r, Parties.Names names) {
        Held in = held(r.securityId(), r.symbol());
        Optional<Quote> quote = market.quote(r.securityId());
        BigDecimal size = BigDecimal.valueOf(in.contractSize());
        BigDecimal eod = quote.map(Quote::previousClose)
                .map(p -> p.multiply(r.quantity()).multiply(size))
                .orElse(BigDecimal.ZERO).stripTrailingZeros();
        return new PositionResource(r.id(), r.accountId(), r.securityId(), r.symbol(), r.symbol(), in.name(),
                in.currency(), in.type().name(), BigDecimal.valueOf(in.contractSize()), r.costBasis(),
                r.dailyCostBasis(), Dates.iso(r.createdMs()), Dates.iso(r.modifiedMs()), r.quantity(),
                r.realizedProfitLoss(), r.averageOpenPrice(), r.averageClosePrice(), BigDecimal.ZERO, BigDecimal.ZERO,
                r.dailyCloseProfitLoss(), BigDecimal.ZERO, r.dayQuantity(), eod, specFields(r, quote, size, names));
    }

    private PositionSpecFields specFields(PositionStore.Row r, Optional<Quote> quote, BigDecimal size,
            Parties.Names names) {
        InstrumentFacts in = InstrumentFacts.of(r.securityId(), securities, options);
        boolean cash = names.account(r.accountId()).map(a -> a.marginType() == MarginType.Cash).orElse(false);
        String marginType = cash ? "Cash" : r.quantity().signum() < 0 ? "Short" : "Margin";
        BigDecimal unrealized = quote.map(q -> {
            BigDecimal value = q.last().multiply(r.quantity()).multiply(size);
            return (r.quantity().signum() > 0 ? value.subtract(r.costBasis()) : value.add(r.costBasis()))
                    .stripTrailingZeros();
        }).orElse(null);
        return new PositionSpecFields(names.holderName(r.accountId()), null, names.clearingAccount(r.accountId()),
                in.currency(), null, quote.map(Quote::previousClose).orElse(null), BigDecimal.ZERO, marginType, null,
                in.tickSize(), in.underlyingExpirationDate(), in.underlyingExpirationType(), in.underlyingId(),
                in.underlyingOptionType(), in.underlyingStrike(), in.underlyingSymbol(), unrealized,
                in.volumePrecision());
    }

    private List<PositionResource> resources(List<PositionStore.Row> rows) {
        Parties.Names names = parties.names();
        return rows.stream().map(r -> resource(r, names)).toList();
    }

    /** Every open position of the account, in id order (the trade-data streamer's snapshot). */
    public List<PositionResource> held(long accountId) {
        return resources(store.held(accountId));
    }

    /** The account's position in a security as stored, open or closed (quantity 0). */
    public Optional<PositionResource> position(long accountId, int securityId) {
        return store.byKey(accountId, securityId).map(r -> resource(r, parties.names()));
    }

    /** A page of the account's open positions. */
    public List<PositionResource> page(long accountId, PagedQuery.Request request) {
        return resources(store.page(accountId, request));
    }

    /** A page of the open positions of several accounts together, with their total. */
    public PagedQuery.Page<PositionResource> page(List<Long> accountIds, PagedQuery.Request request) {
        PagedQuery.Page<PositionStore.Row> rows = store.page(accountIds, request);
        return new PagedQuery.Page<>(resources(rows.rows()), rows.total());
    }

    /** The account's open positions in {@code symbol} (any case), in {@code currency} when given. */
    public List<PositionResource> bySymbol(long accountId, String symbol, Optional<String> currency) {
        return resources(store.bySymbol(accountId, symbol, PAGE_SIZE_MAX)).stream()
                .filter(p -> currency.map(c -> c.equalsIgnoreCase(p.securityCurrency())).orElse(true))
                .toList();
    }

    /** The spec's {@code OrderLimits}: how much of a symbol the account can buy and sell, at which prices. */
    @JsonPropertyOrder({"AccountId", "BuyLimit", "BuyPrice", "SellLimit", "SellPrice", "Symbol"})
    public record OrderLimitsModel(long accountId, BigDecimal buyLimit, BigDecimal buyPrice, BigDecimal sellLimit,
            BigDecimal sellPrice, String symbol) {
    }

    /**
     * The largest buy and sell of {@code symbol} the account can place now (the spec's order limits):
     * at {@code price} when given, else at the ask (buy) and the bid (sell). A buy is bounded by the
     * buying power left after the account's commissions (stock or option buying power by instrument);
     * a sell by the shares or contracts held, plus, where the account may short (a margin account and
     * a shortable stock), what the buying power covers at the sell price. Whole units, at most the
     * largest order quantity.
     *
     * @throws Refusal.NotFound for a symbol that is no security or option contract
     */
    public OrderLimitsModel limits(Account account, String symbol, Optional<BigDecimal> price) {
        Optional<Security> stock = securities.snapshot().bySymbol(symbol);
        Optional<OptionContract> option = stock.isPresent() ? Optional.empty() : options.bySymbol(symbol);
        Quote quote;
        int id;
        String name;
        boolean shortable;
        if (stock.isPresent()) {
            id = stock.get().id();
            name = stock.get().symbol();
            quote = market.quote(id).orElse(null);
            shortable = stock.get().allowShort();
        } else if (option.isPresent()) {
            id = option.get().id();
            name = option.get().symbol();
            quote = options.quote(option.get(), market.nowMs());
            shortable = true;
        } else {
            throw new Refusal.NotFound("Security '" + symbol + "' was not found.");
        }
        BigDecimal size = BigDecimal.valueOf(option.isPresent() ? OrderService.OPTION_CONTRACT_SIZE : 1);
        BigDecimal buyPrice = price.orElse(quote == null ? BigDecimal.ZERO : nonZero(quote.ask(), quote.last()));
        BigDecimal sellPrice = price.orElse(quote == null ? BigDecimal.ZERO : nonZero(quote.bid(), quote.last()));
        Map<String, BigDecimal> balance = balanceMap(account.id());
        BigDecimal power = balance.get(option.isPresent() ? "optionBuyingPower" : "stockBuyingPower")
                .subtract(account.perTradeCommission()).max(BigDecimal.ZERO);
        BigDecimal perUnit = option.isPresent() ? account.perContractCommission() : account.perShareCommission();
        BigDecimal held = BigDecimal.ZERO;
        for (PositionStore.Row r : store.bySymbol(account.id(), name, PAGE_SIZE_MAX)) {
            if (r.securityId() == id) {
                held = held.add(r.quantity());
            }
        }
        BigDecimal buy = units(power, buyPrice.multiply(size).add(perUnit));
        BigDecimal sell = held.max(BigDecimal.ZERO);
        if (shortable && account.marginType() != MarginType.Cash) {
            sell = sell.add(units(power, sellPrice.multiply(size).add(perUnit)));
        }
        return new OrderLimitsModel(account.id(), buy, buyPrice.stripTrailingZeros(),
                sell.min(OrderLimits.QUANTITY_MAX).stripTrailingZeros(), sellPrice.stripTrailingZeros(), name);
    }

    private static BigDecimal nonZero(BigDecimal price, BigDecimal otherwise) {
        return price == null || price.signum() == 0 ? otherwise : price;
    }

    /** Whole units of {@code each} that {@code money} pays for, at most the largest order quantity. */
    private static BigDecimal units(BigDecimal money, BigDecimal each) {
        if (each.signum() <= 0) {
            return BigDecimal.ZERO;
        }
        return money.divide(each, 0, RoundingMode.DOWN).min(OrderLimits.QUANTITY_MAX).stripTrailingZeros();
    }

    /** Security type → the documented group names (05-positions.md §3). */
    static String group(SecurityType t) {
        return switch (t) {
            case CommonStock, MutualFund, PreferredStock, Warrant, Right, ETF, DepositoryReceipt, CoveredWarrant, Unit ->
                    "Equity";
            case Option -> "Options";
            case ForeignExchangeContract -> "Forex";
            case Future -> "Futures";
            case Index -> "Index";
            case Cryptocurrency -> "Cryptocurrency";
            case MiscellaneousPassThru, NoIsitcSecurityType, RepurchaseAgreement, ReverseRepurchaseAgreement,
                    WildcardEntry, FakeStockForNonStandartOption -> "Other";
            default -> "FixedIncome";
        };
    }

    /** The market value of the account's positions by group, then its cash. */
    public List<GroupValue> groups(long accountId) {
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        for (PositionResource p : resources(store.held(accountId))) {
            BigDecimal price = market.quote(p.securityId()).map(Quote::last).orElse(p.averageOpenPrice());
            BigDecimal value = price.multiply(p.quantity()).multiply(p.contractSize());
            values.merge(group(SecurityType.valueOf(p.securityType())), value, BigDecimal::add);
        }
        long cash = trading.local(accountId) ? trading.read(accountId, e -> e.cash(accountId))
                : trading.balances(accountId).cash();
        List<GroupValue> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(new GroupValue(k, v.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros())));
        out.add(new GroupValue("Cash", Fixed.toBigDecimal(cash).stripTrailingZeros()));
        return out;
    }

    /** Named limits of the top positions: how many by default, and at most. */
    public static final int TOP_COUNT_DEFAULT = 5;
    public static final int TOP_COUNT_MAX = PAGE_SIZE_MAX;

    /**
     * The spec's top positions: the account's {@code count} largest open positions by market value
     * (short ones by the size of theirs), each as {@code Name} (the symbol) and {@code MarketValue}
     * (negative for a short position), largest first, ties by symbol.
     */
    public List<GroupValue> top(long accountId, int count) {
        List<GroupValue> values = new ArrayList<>();
        for (PositionResource p : resources(store.held(accountId))) {
            BigDecimal price = market.quote(p.securityId()).map(Quote::last).orElse(p.averageOpenPrice());
            values.add(new GroupValue(p.symbol(), cents(price.multiply(p.quantity()).multiply(p.contractSize()))));
        }
        values.sort(Comparator.comparing((GroupValue v) -> v.marketValue().abs()).reversed()
                .thenComparing(GroupValue::name));
        return values.subList(0, Math.min(count, values.size()));
    }

    private static BigDecimal cents(long fixed) {
        return cents(Fixed.toBigDecimal(fixed));
    }

    private static BigDecimal cents(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** What the positions add to the balance map. */
    private record PositionTotals(BigDecimal openDay, BigDecimal realized, BigDecimal costBasis,
            BigDecimal optionMaintenance) {
    }

    /**
     * Open P/L against the previous close, realized P/L and cost basis, and short options'
     * requirement ({@link #SHORT_OPTION_REQUIREMENT} of their value, the engine's stand-in) for netCash.
     */
    private PositionTotals positionTotals(long accountId) {
        BigDecimal openDay = BigDecimal.ZERO;
        BigDecimal realized = BigDecimal.ZERO;
        BigDecimal costBasis = BigDecimal.ZERO;
        BigDecimal optionMaintenance = BigDecimal.ZERO;
        for (PositionResource p : resources(store.held(accountId))) {
            Optional<Quote> q = market.quote(p.securityId());
            if (q.isPresent()) {
                openDay = openDay.add(q.get().last().subtract(q.get().previousClose()).multiply(p.quantity())
                        .multiply(p.contractSize()));
                if ("Option".equals(p.securityType()) && p.quantity().signum() < 0) {
                    optionMaintenance = optionMaintenance.add(q.get().last().multiply(p.quantity().abs())
                            .multiply(p.contractSize()).multiply(SHORT_OPTION_REQUIREMENT));
                }
            }
            realized = realized.add(p.realizedProfitLoss());
            costBasis = costBasis.add(p.costBasis());
        }
        return new PositionTotals(openDay, realized, costBasis, cents(optionMaintenance));
    }

    /**
     * The change of the account's value since the previous close: the value now against the value
     * at that close, net of the cash paid in or out since.
     */
    private BigDecimal changeSincePreviousClose(long accountId, BigDecimal equity) {
        LocalDate today = market.model().dateAt(market.nowMs());
        PathModel.Day previous = market.model().day(market.calendar().previousTradingDay(today));
        if (previous == null) {
            return BigDecimal.ZERO;
        }
        long previousClose = previous.regularCloseMs();
        // The close's snapshot (one read); computed from the ledger only when none was taken.
        BigDecimal before = closes.value(accountId, previous.date())
                .orElseGet(() -> new Valuation(accountId).at(previousClose));
        return equity.subtract(before).subtract(store.paymentsAfter(accountId, previousClose));
    }

    /** The balance map (camelCase keys, documented order and meanings). */
    public Map<String, BigDecimal> balanceMap(long accountId) {
        return balance(accountId).map();
    }

    /** An account's balance map and the two bases its percentages are of. */
    private record Balance(Map<String, BigDecimal> map, BigDecimal valueBefore, BigDecimal costBasis) {
    }

    /** Keys of the balance map that are percentages (recomputed, not summed, across accounts). */
    private static final List<String> PERCENT_KEYS = List.of("changePercent", "openPLPercent");

    /**
     * The balance map of several accounts together: every amount and count summed;
     * {@code changePercent} and {@code openPLPercent} of the summed amounts (so of the accounts'
     * value at the previous close and their cost basis together), not summed.
     */
    public Map<String, BigDecimal> consolidatedBalance(List<Long> accountIds) {
        Map<String, BigDecimal> sum = new LinkedHashMap<>();
        BigDecimal before = BigDecimal.ZERO;
        BigDecimal cost = BigDecimal.ZERO;
        for (long id : accountIds) {
            Balance b = balance(id);
            b.map().forEach((k, v) -> sum.merge(k, v, BigDecimal::add));
            before = before.add(b.valueBefore());
            cost = cost.add(b.costBasis());
        }
        if (sum.isEmpty()) {
            return balanceKeysZero();
        }
        sum.replaceAll((k, v) -> v.stripTrailingZeros());
        sum.put("changePercent", percent(sum.get("changeAbsolute"), before));
        sum.put("openPLPercent", percent(sum.get("openPL"), cost));
        return sum;
    }

    private static BigDecimal percent(BigDecimal part, BigDecimal whole) {
        return whole.signum() == 0 ? BigDecimal.ZERO
                : part.multiply(BigDecimal.valueOf(100)).divide(whole, 4, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** The balance map of no account: every key, zero. */
    private static Map<String, BigDecimal> balanceKeysZero() {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (String k : BALANCE_KEYS) {
            m.put(k, BigDecimal.ZERO);
        }
        return m;
    }

    /** The balance map's keys, in the documented order. */
    static final List<String> BALANCE_KEYS = List.of("cash", "netCash", "excess", "changeAbsolute", "changePercent",
            "equityTotal", "pendingOrdersCount", "netLiquidity", "stockLongMarketValue", "stockShortMarketValue",
            "optionLongMarketValue", "optionShortMarketValue", "forexLongMarketValue", "forexShortMarketValue",
            "dayTrades", "stockBuyingPower", "optionBuyingPower", "forexBuyingPower", "dayTradingBuyingPower",
            "pendingCash", "maintenanceMargin", "optionMaintenanceMargin", "openPL", "openPLDay", "openPLPercent",
            "closePL", "marketValue", "totalPL");

    private Balance balance(long accountId) {
        Balances b = trading.balances(accountId);
        if (b == null) {
            throw new IllegalStateException("account " + accountId + " is not in the trading engine");
        }
        PositionTotals totals = positionTotals(accountId);
        BigDecimal closePl = cents(b.closePl());
        BigDecimal equity = cents(b.equity());
        BigDecimal change = changeSincePreviousClose(accountId, equity);
        BigDecimal before = equity.subtract(change);
        BigDecimal openPl = cents(b.openPl());
        Map<String, BigDecimal> map = new LinkedHashMap<>();
        map.put("cash", cents(b.cash()));
        map.put("netCash", cents(b.cash()).subtract(totals.optionMaintenance()).stripTrailingZeros());
        map.put("excess", cents(b.excess()));
        map.put("changeAbsolute", cents(change));
        map.put("changePercent", percent(change, before));
        map.put("equityTotal", equity);
        map.put("pendingOrdersCount", BigDecimal.valueOf(b.pendingOrdersCount()));
        map.put("netLiquidity", equity);
        map.put("stockLongMarketValue", cents(b.stockLongMarketValue()));
        map.put("stockShortMarketValue", cents(b.stockShortMarketValue()));
        map.put("optionLongMarketValue", cents(b.optionLongMarketValue()));
        map.put("optionShortMarketValue", cents(b.optionShortMarketValue()));
        map.put("forexLongMarketValue", BigDecimal.ZERO);
        map.put("forexShortMarketValue", BigDecimal.ZERO);
        map.put("dayTrades", BigDecimal.valueOf(dayTrades(accountId)));
        map.put("stockBuyingPower", cents(b.stockBuyingPower()));
        map.put("optionBuyingPower", cents(b.optionBuyingPower()));
        map.put("forexBuyingPower", BigDecimal.ZERO);
        // The engine's figures, the limits it enforces: 4 × for DayTrader accounts (the demo example's 400000 on
        // $100,000 of a DayTrader account), the Reg T figure for Margin accounts, settled cash for Cash accounts.
        map.put("dayTradingBuyingPower", cents(b.dayTradingBuyingPower()));
        map.put("pendingCash", cents(b.pendingCash()));
        map.put("maintenanceMargin", cents(b.maintenanceMargin()));
        map.put("optionMaintenanceMargin", totals.optionMaintenance());
        map.put("openPL", openPl);
        map.put("openPLDay", cents(totals.openDay()));
        map.put("openPLPercent", percent(openPl, totals.costBasis()));
        map.put("closePL", closePl);
        map.put("marketValue", cents(b.marketValue()));
        map.put("totalPL", cents(openPl.add(totals.realized())));
        return new Balance(map, before, totals.costBasis());
    }

    /** Day trades in the last {@link #DAY_TRADE_SESSIONS} sessions, today included. */
    private int dayTrades(long accountId) {
        LocalDate d = market.model().dateAt(market.nowMs());
        for (int i = 0; i < DAY_TRADE_SESSIONS - 1; i++) {
            d = market.calendar().previousTradingDay(d);
        }
        long since = d.atStartOfDay(TradingCalendar.ZONE).toInstant().toEpochMilli();
        return store.dayTradesSince(accountId, since);
    }

    /**
     * The account's value at each trading day's regular close between {@code start} and {@code end}:
     * cash booked by then plus the positions held then at that day's closing price. Today's value is
     * at the current prices (the close has not come yet).
     *
     * @throws Refusal.Invalid when {@code end} is before {@code start}, or the span has more than
     *     {@link #HISTORY_DAYS_MAX} trading days
     */
    public List<AccountValueItem> history(long accountId, Instant start, Instant end) {
        if (end.isBefore(start)) {
            throw Refusal.invalid("endDate", "endDate is before startDate.");
        }
        List<AccountValueItem> out = new ArrayList<>();
        LocalDate d = market.model().dateAt(start.toEpochMilli());
        LocalDate last = market.model().dateAt(Math.min(end.toEpochMilli(), market.nowMs()));
        if (last.isBefore(d)) {
            return out;
        }
        if (java.time.temporal.ChronoUnit.DAYS.between(d, last) > HISTORY_DAYS_MAX * 2L) {
            throw Refusal.invalid("startDate", "At most " + HISTORY_DAYS_MAX + " trading days.");
        }
        // The daily close snapshots; a day without one (before they were taken, or today) from the ledger.
        Map<LocalDate, BigDecimal> taken = closes.range(accountId, d, last);
        Valuation v = null;
        int days = 0;
        for (; !d.isAfter(last); d = d.plusDays(1)) {
            PathModel.Day day = market.model().day(d);
            if (day == null) {
                continue;
            }
            if (++days > HISTORY_DAYS_MAX) {
                throw Refusal.invalid("startDate", "At most " + HISTORY_DAYS_MAX + " trading days.");
            }
            BigDecimal value = taken.get(d);
            if (value == null) {
                if (v == null) {
                    v = new Valuation(accountId);
                }
                value = v.at(Math.min(day.regularCloseMs(), market.nowMs()));
            }
            out.add(new AccountValueItem(d + "T00:00:00Z", cents(value)));
        }
        return out;
    }

    /**
     * The value of several accounts together at each trading day's close between {@code start} and
     * {@code end} ({@link #history} summed by day).
     */
    public List<AccountValueItem> consolidatedHistory(List<Long> accountIds, Instant start, Instant end) {
        if (end.isBefore(start)) {
            throw Refusal.invalid("endDate", "endDate is before startDate.");
        }
        Map<String, BigDecimal> byDay = new LinkedHashMap<>();
        for (long id : accountIds) {
            for (AccountValueItem item : history(id, start, end)) {
                byDay.merge(item.date(), item.value(), BigDecimal::add);
            }
        }
        List<AccountValueItem> out = new ArrayList<>();
        byDay.forEach((d, v) -> out.add(new AccountValueItem(d, v.stripTrailingZeros())));
        return out;
    }

    /**
     * The account's value at {@code day}'s regular close (cash booked by then plus the positions held
     * then at that day's closing price), in cents: what the daily close snapshot stores.
     */
    public BigDecimal valueAtClose(long accountId, PathModel.Day day) {
        return cents(new Valuation(accountId).at(day.regularCloseMs()));
    }

    /** Walks an account's ledger and fills forward in time (calls must ask for increasing moments). */
    private final class Valuation {
        private final List<PositionStore.Cash> cash;
        private final List<PositionStore.Fill> fills;
        private final Map<Integer, Long> held = new TreeMap<>();
        private int cashIndex;
        private int fillIndex;
        private long cashSum;

        Valuation(long accountId) {
            cash = store.ledger(accountId);
            fills = store.fills(accountId);
        }

        BigDecimal at(long ms) {
            while (cashIndex < cash.size() && cash.get(cashIndex).atMs() <= ms) {
                cashSum += cash.get(cashIndex++).value();
            }
            while (fillIndex < fills.size() && fills.get(fillIndex).atMs() <= ms) {
                PositionStore.Fill f = fills.get(fillIndex++);
                held.merge(f.securityId(), f.quantity(), Long::sum);
            }
            BigDecimal value = Fixed.toBigDecimal(cashSum);
            for (Map.Entry<Integer, Long> h : held.entrySet()) {
                if (h.getValue() != 0) {
                    Held in = held(h.getKey(), "");
                    value = value.add(closePrice(h.getKey(), ms).multiply(Fixed.toBigDecimal(h.getValue()))
                            .multiply(BigDecimal.valueOf(in.contractSize())));
                }
            }
            return value;
        }
    }

    private BigDecimal closePrice(int securityId, long closeMs) {
        Optional<Security> s = securities.snapshot().byId(securityId);
        if (s.isPresent()) {
            return market.price(s.get(), closeMs);
        }
        return options.byId(securityId).map(c -> options.quote(c, closeMs).last()).orElse(BigDecimal.ZERO);
    }
}
