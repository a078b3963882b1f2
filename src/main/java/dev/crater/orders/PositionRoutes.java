package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.accounts.AccountService;
import dev.crater.auth.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.HeavyQueries;
import dev.crater.http.Limits;
import dev.crater.http.Paging;
import dev.crater.market.Market;
import dev.crater.market.Quote;
import dev.crater.orders.engine.Balances;
import dev.crater.orders.engine.Fixed;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import dev.crater.securities.Securities;
import dev.crater.securities.Security;
import dev.crater.securities.SecurityType;
import dev.crater.store.Database;
import dev.crater.store.filter.FilterException;
import dev.crater.store.filter.FilterSql;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Positions (reference 05-positions.md) and the account figures built on them (03-accounts.md
 * §1.1 balance map, §1 #5 value history). Positions are the stored rows the engine wrote with each
 * fill; market values use the simulated market's current quotes.
 */
public final class PositionRoutes implements HttpService {

    /** Named limits. */
    public static final int PAGE_SIZE_MAX = 99;
    public static final int HISTORY_DAYS_MAX = 3700;

    static final List<FilterSql.Field> FIELDS = List.of(
            new FilterSql.Field("Id", "id", FilterSql.Type.INTEGER),
            new FilterSql.Field("SecurityId", "security_id", FilterSql.Type.INTEGER),
            new FilterSql.Field("Symbol", "symbol", FilterSql.Type.TEXT),
            new FilterSql.Field("Quantity", "quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("CostBasis", "cost_basis", FilterSql.Type.DECIMAL),
            new FilterSql.Field("RealizedProfitLoss", "realized_pl", FilterSql.Type.DECIMAL),
            new FilterSql.Field("AverageOpenPrice", "average_open_price", FilterSql.Type.DECIMAL),
            new FilterSql.Field("CreateDate", "created_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("ModifyDate", "modified_at_ms", FilterSql.Type.DATETIME_MS));

    private final AccountService accounts;
    private final TradingService trading;
    private final Database db;
    private final Securities securities;
    private final OptionChains options;
    private final Market market;

    private final HeavyQueries heavy;

    public PositionRoutes(AccountService accounts, TradingService trading, Securities securities,
            OptionChains options, HeavyQueries heavy) {
        this.heavy = heavy;
        this.accounts = accounts;
        this.trading = trading;
        this.db = trading.store().database();
        this.securities = securities;
        this.options = options;
        this.market = trading.market();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/accounts/{accountId}/positions/groups[/]", this::groups)
                .get("/accounts/{accountId}/positions[/]", this::list)
                .get("/accounts/{accountId}/positions/{symbol}[/]", this::bySymbol)
                .get("/accounts/{accountId}/info[/]", this::info)
                .get("/accounts/{accountId}/history[/]", this::history);
    }

    /** PositionResource, with the {@code MarketValueEOD} the examples show. */
    @JsonPropertyOrder({"Id", "AccountId", "SecurityId", "Symbol", "Name", "CompanyName", "SecurityCurrency",
            "SecurityType", "ContractSize", "CostBasis", "DailyCostBasis", "CreateDate", "ModifyDate", "Quantity",
            "RealizedProfitLoss", "AverageOpenPrice", "AverageClosePrice", "StopLossPrice", "TakeProfitPrice",
            "DailyCloseProfitLoss", "ExcessChanges", "DayQuantity", "MarketValueEOD"})
    public record PositionResource(long id, long accountId, int securityId, String symbol, String name,
            String companyName, String securityCurrency, String securityType, BigDecimal contractSize,
            BigDecimal costBasis, BigDecimal dailyCostBasis, String createDate, String modifyDate, BigDecimal quantity,
            BigDecimal realizedProfitLoss, BigDecimal averageOpenPrice, BigDecimal averageClosePrice,
            BigDecimal stopLossPrice, BigDecimal takeProfitPrice, BigDecimal dailyCloseProfitLoss,
            BigDecimal excessChanges, BigDecimal dayQuantity, BigDecimal marketValueEOD) {
    }

    /** What a security id is, for positions. */
    private record Instr(String name, String currency, SecurityType type, int contractSize) {
    }

    private Instr instr(int securityId, String symbol) {
        Optional<Security> s = securities.snapshot().byId(securityId);
        if (s.isPresent()) {
            return new Instr(s.get().description(), s.get().currency(), s.get().type(), 1);
        }
        Optional<OptionContract> c = options.byId(securityId);
        if (c.isPresent()) {
            return new Instr(c.get().description(), c.get().underlying().currency(), SecurityType.Option, 100);
        }
        return new Instr(symbol, "USD", SecurityType.CommonStock, 1);
    }

    private static BigDecimal dec(java.sql.ResultSet rs, String c) throws java.sql.SQLException {
        return new BigDecimal(rs.getString(c)).stripTrailingZeros();
    }

    private List<PositionResource> query(long accountId, String extraWhere, Map<String, Object> extraParams,
            String order, int limit, long offset) {
        return query(accountId, extraWhere, extraParams, order, limit, offset, null);
    }

    /** As above; under {@code budget} (its statement deadline) when given. */
    private List<PositionResource> query(long accountId, String extraWhere, Map<String, Object> extraParams,
            String order, int limit, long offset, HeavyQueries.Budget budget) {
        Map<String, Object> params = new LinkedHashMap<>(extraParams);
        params.put("account", accountId);
        String sql = "SELECT * FROM positions WHERE account_id = :account AND "
                + (db.dialect() == Database.Dialect.SQLITE ? "CAST(quantity AS NUMERIC)" : "quantity") + " <> 0"
                + (extraWhere.isEmpty() ? "" : " AND (" + extraWhere + ")") + " ORDER BY " + order
                + " LIMIT :limit OFFSET :offset";
        return db.jdbi().withHandle(h -> h.createQuery(sql).bindMap(params).bind("limit", limit)
                .bind("offset", offset)
                .addCustomizer(budget == null ? new org.jdbi.v3.core.statement.StatementCustomizer() {
                } : budget.statementDeadline())
                .map((rs, ctx) -> {
                    int sec = rs.getInt("security_id");
                    String symbol = rs.getString("symbol");
                    Instr in = instr(sec, symbol);
                    BigDecimal qty = dec(rs, "quantity");
                    BigDecimal eod = market.quote(sec).map(Quote::previousClose)
                            .map(p -> p.multiply(qty).multiply(BigDecimal.valueOf(in.contractSize())))
                            .orElse(BigDecimal.ZERO).stripTrailingZeros();
                    return new PositionResource(rs.getLong("id"), rs.getLong("account_id"), sec, symbol, symbol,
                            in.name(), in.currency(), in.type().name(), BigDecimal.valueOf(in.contractSize()),
                            dec(rs, "cost_basis"), dec(rs, "daily_cost_basis"), Dates.iso(rs.getLong("created_at_ms")),
                            Dates.iso(rs.getLong("modified_at_ms")), qty, dec(rs, "realized_pl"),
                            dec(rs, "average_open_price"), dec(rs, "average_close_price"), BigDecimal.ZERO,
                            BigDecimal.ZERO, dec(rs, "daily_close_pl"), BigDecimal.ZERO, dec(rs, "day_quantity"), eod);
                })
                .list());
    }

    private AccountService.AccountAccess access(ServerRequest req) {
        return accounts.access(ApiGuard.principal(req), req.path().pathParameters().get("accountId"),
                AccountService.Need.READ);
    }

    /** The page as a bare array, as every documented example shows; unknown query parameters are ignored. */
    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = access(req);
        Paging paging = Paging.read(req, Paging.Names.LISTS, PAGE_SIZE_MAX);
        String where = "";
        Map<String, Object> params = new HashMap<>();
        if (paging.filter().isPresent()) {
            try {
                FilterSql.Sql sql = FilterSql.compile(paging.filter().get(), FIELDS, db.dialect());
                where = sql.where();
                params.putAll(sql.params());
            } catch (FilterException e) {
                throw Paging.invalidFilter(e);
            }
        }
        FilterSql.Field sort = FIELDS.stream().filter(f -> f.name().equalsIgnoreCase(paging.sortField())).findFirst()
                .orElseThrow(() -> ApiException.modelState("sortField", "'" + paging.sortField()
                        + "' cannot be sorted on; fields: " + String.join(", ",
                                FIELDS.stream().map(FilterSql.Field::name).toList())));
        String column = sort.type() == FilterSql.Type.DECIMAL && db.dialect() == Database.Dialect.SQLITE
                ? "CAST(" + sort.column() + " AS NUMERIC)" : sort.column();
        String dir = paging.desc() ? " DESC" : " ASC";
        String order = column + dir + ", id" + dir;
        long offset = (long) paging.pageNumber() * paging.pageSize();
        String w = where;
        // An account holds one row per security; a filter or a deep page is still a heavy query.
        boolean cheap = paging.filter().isEmpty() && offset <= Limits.CHEAP_OFFSET_MAX;
        HttpSupport.json(res, 200, cheap ? query(a.account().id(), w, params, order, paging.pageSize(), offset)
                : heavy.run(budget -> query(a.account().id(), w, params, order, paging.pageSize(), offset, budget)));
    }

    private void bySymbol(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = access(req);
        String symbol = req.path().pathParameters().get("symbol").trim();
        if (symbol.chars().allMatch(Character::isDigit) && !symbol.isEmpty()) {
            throw ApiException.modelState("symbol", "A ticker is expected, not a security id.");
        }
        Map<String, Object> params = new HashMap<>();
        params.put("symbol", symbol.toUpperCase(java.util.Locale.ROOT));
        List<PositionResource> found = query(a.account().id(), "UPPER(symbol) = :symbol", params, "id", PAGE_SIZE_MAX,
                0);
        Optional<String> currency = HttpSupport.query(req, "currency");
        found = found.stream().filter(p -> currency.map(c -> c.equalsIgnoreCase(p.securityCurrency())).orElse(true))
                .toList();
        HttpSupport.json(res, 200, found);
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

    /** {@code Name}/{@code MarketValue} pairs. */
    public record GroupValue(String name, BigDecimal marketValue) {
    }

    private void groups(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = access(req);
        long account = a.account().id();
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        for (PositionResource p : query(account, "", Map.of(), "id", Integer.MAX_VALUE, 0)) {
            BigDecimal price = market.quote(p.securityId()).map(Quote::last).orElse(p.averageOpenPrice());
            BigDecimal mv = price.multiply(p.quantity()).multiply(p.contractSize());
            values.merge(group(SecurityType.valueOf(p.securityType())), mv, BigDecimal::add);
        }
        long cash = trading.read(account, e -> e.cash(account));
        List<GroupValue> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(new GroupValue(k, v.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros())));
        out.add(new GroupValue("Cash", Fixed.toBigDecimal(cash).stripTrailingZeros()));
        HttpSupport.json(res, 200, out);
    }

    private static BigDecimal m(long fixed) {
        return Fixed.toBigDecimal(fixed).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** The balance map (camelCase keys, documented order and meanings). */
    private void info(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = access(req);
        long account = a.account().id();
        Balances b = trading.read(account, e -> e.balances(account));
        if (b == null) {
            throw new IllegalStateException("account " + account + " is not in the trading engine");
        }
        // Open P/L against the previous close; short options' requirement (150 % of their value, the
        // engine's stand-in) for netCash.
        BigDecimal openDay = BigDecimal.ZERO;
        BigDecimal realizedTotal = BigDecimal.ZERO;
        BigDecimal costBasis = BigDecimal.ZERO;
        BigDecimal optionMaintenance = BigDecimal.ZERO;
        for (PositionResource p : query(account, "", Map.of(), "id", Integer.MAX_VALUE, 0)) {
            Optional<Quote> q = market.quote(p.securityId());
            if (q.isPresent()) {
                openDay = openDay.add(q.get().last().subtract(q.get().previousClose()).multiply(p.quantity())
                        .multiply(p.contractSize()));
                if ("Option".equals(p.securityType()) && p.quantity().signum() < 0) {
                    optionMaintenance = optionMaintenance.add(q.get().last().multiply(p.quantity().abs())
                            .multiply(p.contractSize()).multiply(new BigDecimal("1.5")));
                }
            }
            realizedTotal = realizedTotal.add(p.realizedProfitLoss());
            costBasis = costBasis.add(p.costBasis());
        }
        optionMaintenance = optionMaintenance.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
        BigDecimal closePl = m(b.closePl());
        BigDecimal equity = m(b.equity());
        // Change since the previous close: the value now against the value at that close, net of the
        // cash paid in or out since.
        long now = market.nowMs();
        LocalDate today = market.model().dateAt(now);
        var prevDay = market.model().day(market.calendar().previousTradingDay(today));
        BigDecimal change;
        if (prevDay == null) {
            change = BigDecimal.ZERO;
        } else {
            long prevClose = prevDay.regularCloseMs();
            BigDecimal before = valueAt(account, prevClose);
            BigDecimal payments = db.jdbi().withHandle(h -> h.createQuery(
                            "SELECT value FROM ledger_entries WHERE account_id = :a AND type = 'Payment' AND at_ms > :t")
                    .bind("a", account).bind("t", prevClose).mapTo(String.class).list()).stream()
                    .map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
            change = equity.subtract(before).subtract(payments);
        }
        BigDecimal before = equity.subtract(change);
        BigDecimal openPl = m(b.openPl());
        Map<String, BigDecimal> map = new LinkedHashMap<>();
        map.put("cash", m(b.cash()));
        map.put("netCash", m(b.cash()).subtract(optionMaintenance).stripTrailingZeros());
        map.put("excess", m(b.excess()));
        map.put("changeAbsolute", change.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros());
        map.put("changePercent", before.signum() == 0 ? BigDecimal.ZERO
                : change.multiply(BigDecimal.valueOf(100)).divide(before, 4, RoundingMode.HALF_EVEN).stripTrailingZeros());
        map.put("equityTotal", equity);
        map.put("pendingOrdersCount", BigDecimal.valueOf(b.pendingOrdersCount()));
        map.put("netLiquidity", equity);
        map.put("stockLongMarketValue", m(b.stockLongMarketValue()));
        map.put("stockShortMarketValue", m(b.stockShortMarketValue()));
        map.put("optionLongMarketValue", m(b.optionLongMarketValue()));
        map.put("optionShortMarketValue", m(b.optionShortMarketValue()));
        map.put("forexLongMarketValue", BigDecimal.ZERO);
        map.put("forexShortMarketValue", BigDecimal.ZERO);
        map.put("dayTrades", BigDecimal.valueOf(dayTrades(account)));
        map.put("stockBuyingPower", m(b.stockBuyingPower()));
        map.put("optionBuyingPower", m(b.optionBuyingPower()));
        map.put("forexBuyingPower", BigDecimal.ZERO);
        // The engine's figures, the limits it enforces: 4 × for DayTrader accounts (the demo example's 400000 on
        // $100,000 of a DayTrader account), the Reg T figure for Margin accounts, settled cash for Cash accounts.
        map.put("dayTradingBuyingPower", m(b.dayTradingBuyingPower()));
        map.put("pendingCash", m(b.pendingCash()));
        map.put("maintenanceMargin", m(b.maintenanceMargin()));
        map.put("optionMaintenanceMargin", optionMaintenance);
        map.put("openPL", openPl);
        map.put("openPLDay", openDay.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros());
        map.put("openPLPercent", costBasis.signum() == 0 ? BigDecimal.ZERO
                : openPl.multiply(BigDecimal.valueOf(100)).divide(costBasis, 4, RoundingMode.HALF_EVEN)
                        .stripTrailingZeros());
        map.put("closePL", closePl);
        map.put("marketValue", m(b.marketValue()));
        map.put("totalPL", openPl.add(realizedTotal).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros());
        HttpSupport.json(res, 200, map);
    }

    /** Day trades in the last five sessions, today included. */
    private int dayTrades(long account) {
        long now = market.nowMs();
        LocalDate d = market.model().dateAt(now);
        for (int i = 0; i < 4; i++) {
            d = market.calendar().previousTradingDay(d);
        }
        long since = d.atStartOfDay(dev.crater.market.TradingCalendar.ZONE).toInstant().toEpochMilli();
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT COUNT(DISTINCT order_id) FROM ledger_entries
                        WHERE account_id = :a AND is_day_trade = TRUE AND at_ms >= :since""")
                .bind("a", account).bind("since", since).mapTo(Integer.class).one());
    }

    /** {@code AccountValueItem}. */
    public record AccountValueItem(String date, BigDecimal value) {
    }

    /**
     * The account's value at each trading day's regular close between {@code startDate} and
     * {@code endDate}: cash booked by then plus the positions held then at that day's closing price.
     */
    private void history(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = access(req);
        long account = a.account().id();
        Instant start = instant(Paging.required(req, "startDate"), "startDate");
        Instant end = instant(Paging.required(req, "endDate"), "endDate");
        Paging.required(req, "step");
        if (end.isBefore(start)) {
            throw ApiException.modelState("endDate", "endDate is before startDate.");
        }
        List<AccountValueItem> out = new ArrayList<>();
        LocalDate d = market.model().dateAt(start.toEpochMilli());
        LocalDate last = market.model().dateAt(Math.min(end.toEpochMilli(), market.nowMs()));
        Valuation v = new Valuation(account);
        int days = 0;
        for (; !d.isAfter(last); d = d.plusDays(1)) {
            var day = market.model().day(d);
            if (day == null) {
                continue;
            }
            if (++days > HISTORY_DAYS_MAX) {
                throw ApiException.modelState("startDate", "At most " + HISTORY_DAYS_MAX + " trading days.");
            }
            // Today's value is at the current prices (the close has not come yet).
            out.add(new AccountValueItem(d + "T00:00:00Z", v.at(Math.min(day.regularCloseMs(), market.nowMs()))
                    .setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros()));
        }
        HttpSupport.json(res, 200, out);
    }

    /** The account's value at a moment: cash booked by then plus the positions then at that moment's price. */
    private BigDecimal valueAt(long account, long ms) {
        return new Valuation(account).at(ms);
    }

    /** Walks an account's ledger and fills forward in time (calls must ask for increasing moments). */
    private final class Valuation {
        private final List<long[]> cash = new ArrayList<>();
        private final List<long[]> fills = new ArrayList<>();
        private final Map<Integer, Long> held = new TreeMap<>();
        private int ci;
        private int fi;
        private long cashSum;

        Valuation(long account) {
            db.jdbi().useHandle(h -> h.createQuery(
                            "SELECT at_ms, value FROM ledger_entries WHERE account_id = :a ORDER BY at_ms, id")
                    .bind("a", account)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), Fixed.of(new BigDecimal(rs.getString(2)))})
                    .forEach(cash::add));
            db.jdbi().useHandle(h -> h.createQuery(
                            "SELECT at_ms, security_id, side, quantity FROM fills WHERE account_id = :a ORDER BY at_ms, id")
                    .bind("a", account)
                    .map((rs, ctx) -> {
                        long q = Fixed.of(new BigDecimal(rs.getString("quantity")));
                        String side = rs.getString("side");
                        boolean buy = side.equals("Buy") || side.equals("BuyToCover");
                        return new long[] {rs.getLong("at_ms"), rs.getInt("security_id"), buy ? q : -q};
                    })
                    .forEach(fills::add));
        }

        BigDecimal at(long ms) {
            while (ci < cash.size() && cash.get(ci)[0] <= ms) {
                cashSum += cash.get(ci++)[1];
            }
            while (fi < fills.size() && fills.get(fi)[0] <= ms) {
                held.merge((int) fills.get(fi)[1], fills.get(fi)[2], Long::sum);
                fi++;
            }
            BigDecimal value = Fixed.toBigDecimal(cashSum);
            for (Map.Entry<Integer, Long> h : held.entrySet()) {
                if (h.getValue() != 0) {
                    Instr in = instr(h.getKey(), "");
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

    private static Instant instant(String text, String name) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text.trim()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return java.time.LocalDateTime.parse(text.trim()).toInstant(java.time.ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    throw ApiException.modelState(name, "The value '" + (text.length() > 40 ? text.substring(0, 40)
                            : text) + "' is not a valid date-time.");
                }
            }
        }
    }
}
