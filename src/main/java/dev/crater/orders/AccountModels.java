package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.Dates;
import dev.crater.store.FilterEval;
import dev.crater.store.FilterSql;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The spec's {@code AccountModel} ({@code GET /accounts/{accountId}}, {@code GET /accounts/all}):
 * an account with its owner's name and contact, its plan and its figures from the balance map.
 * Figures Crater does not have (margin calls, which the simulator never issues; interest rates,
 * sweep and money-market balances, which paper accounts do not earn) are 0; facts it does not
 * keep about a person (date of birth, SSN, FDID, rep code) are null.
 */
public final class AccountModels {

    private final AccountService accounts;
    private final PositionService positions;
    private final CompanyService companies;

    public AccountModels(AccountService accounts, PositionService positions, CompanyService companies) {
        this.accounts = accounts;
        this.positions = positions;
        this.companies = companies;
    }

    /** AccountModel, every property, in the spec's order (the order of the components). */
    public record AccountModel(String accountHolder, String accountName, Map<String, String> additionalInfo,
            BigDecimal availableToWithdraw, BigDecimal baseCash, BigDecimal cash, BigDecimal cashCall,
            BigDecimal cashInterestRate, BigDecimal cip, String clearingAccount, String clearingFirm,
            BigDecimal closeEquity, String commissionPlan, String companyName, String createdDate, String currency,
            String dateOfBirth, BigDecimal dayTradeCall, BigDecimal dayTraderRate, int dayTrades,
            BigDecimal dayTradingBuyingPower, String email, boolean enabled, BigDecimal equityCall,
            BigDecimal equityTotal, BigDecimal excessEquity, String fdid, String firstName, boolean fixedAccountType,
            BigDecimal houseCall, long id, BigDecimal initialCall, boolean isAverageAccount, boolean isChanged,
            boolean isSolicitedAccount, String lastName, String login, BigDecimal maintenanceCall,
            BigDecimal marginEquity, BigDecimal marginInterestRate, String marginType, BigDecimal marketValue,
            String middleName, String modifiedDate, BigDecimal moneyMarket, BigDecimal newHouseCall,
            BigDecimal openExcess, BigDecimal openPL, BigDecimal openPLPercent, Integer optionLevel, String ownerType,
            String permissions, String phone, String repCode, @JsonProperty("SSN") String ssn, boolean skipClearing,
            BigDecimal smaBalance, String status, Integer subscriptionPlanId, BigDecimal sweep,
            BigDecimal tradeDayBalance, BigDecimal unsettledCash, long userId) {
    }

    /** The account as the spec's AccountModel; {@code alias} the caller's own name for it, if any. */
    public AccountModel of(Account a, String alias) {
        Map<String, BigDecimal> b = positions.balanceMap(a.id());
        Optional<User> owner = accounts.user(a.openedByUserId());
        String company = companies.byId(a.companyId()).map(Company::name).orElse(null);
        BigDecimal cash = b.get("cash");
        BigDecimal equity = b.get("equityTotal");
        BigDecimal excess = b.get("excess");
        BigDecimal zero = BigDecimal.ZERO;
        String holder = owner.map(u -> (u.firstName() + " " + u.lastName()).trim()).orElse(null);
        boolean cashAccount = a.marginType() == MarginType.Cash;
        return new AccountModel(holder, alias == null || alias.isBlank() ? a.clearingAccount() : alias, Map.of(),
                cash.min(excess).max(zero).stripTrailingZeros(), cash, cash, zero, zero, zero, a.clearingAccount(),
                a.clearingFirm(), equity.subtract(b.get("changeAbsolute")).stripTrailingZeros(), plan(a), company,
                Dates.iso(a.createdAtMs()), a.currency(), null, zero, zero, b.get("dayTrades").intValue(),
                b.get("dayTradingBuyingPower"), owner.map(User::email).orElse(null), a.enabled(), zero, equity, excess,
                null, owner.map(User::firstName).orElse(null), false, zero, a.id(), zero, false, false, false,
                owner.map(User::lastName).orElse(null), owner.map(User::username).orElse(null), zero,
                cashAccount ? zero : equity, zero, a.marginType().name(), b.get("marketValue"),
                owner.map(User::middleName).orElse(null), Dates.iso(a.modifiedAtMs()), zero, zero, excess,
                b.get("openPL"), b.get("openPLPercent"), null, a.ownerType(), a.enabled() ? "AllowTrade" : "Empty",
                owner.map(User::phone).orElse(null), null, null, Account.PAPER_FIRM.equals(a.clearingFirm()), zero,
                "Approved", null, zero, cash, b.get("pendingCash"), a.openedByUserId());
    }

    /** The account's commission plan in words: per trade, per share, per option contract. */
    static String plan(Account a) {
        return "$" + a.perTradeCommission().stripTrailingZeros().toPlainString() + " per trade, $"
                + a.perShareCommission().stripTrailingZeros().toPlainString() + " per share, $"
                + a.perContractCommission().stripTrailingZeros().toPlainString() + " per option contract";
    }

    /** Fields of AccountModel the all-accounts list filters and sorts on ({@code propertyName}). */
    public static final List<FilterEval.Field<AccountModel>> FIELDS = List.of(
            new FilterEval.Field<>("Id", FilterSql.Type.INTEGER, AccountModel::id),
            new FilterEval.Field<>("AccountName", FilterSql.Type.TEXT, AccountModel::accountName),
            new FilterEval.Field<>("AccountHolder", FilterSql.Type.TEXT, AccountModel::accountHolder),
            new FilterEval.Field<>("ClearingAccount", FilterSql.Type.TEXT, AccountModel::clearingAccount),
            new FilterEval.Field<>("ClearingFirm", FilterSql.Type.TEXT, AccountModel::clearingFirm),
            new FilterEval.Field<>("Currency", FilterSql.Type.TEXT, AccountModel::currency),
            new FilterEval.Field<>("MarginType", FilterSql.Type.TEXT, AccountModel::marginType),
            new FilterEval.Field<>("OwnerType", FilterSql.Type.TEXT, AccountModel::ownerType),
            new FilterEval.Field<>("Enabled", FilterSql.Type.BOOLEAN, AccountModel::enabled),
            new FilterEval.Field<>("Cash", FilterSql.Type.DECIMAL, AccountModel::cash),
            new FilterEval.Field<>("EquityTotal", FilterSql.Type.DECIMAL, AccountModel::equityTotal),
            new FilterEval.Field<>("MarketValue", FilterSql.Type.DECIMAL, AccountModel::marketValue),
            new FilterEval.Field<>("CreatedDate", FilterSql.Type.DATETIME_MS,
                    m -> Instant.parse(m.createdDate())),
            new FilterEval.Field<>("UserId", FilterSql.Type.INTEGER, AccountModel::userId));

    /** Whether the account matches the all-accounts list's {@code mask}: part of its number, name or holder. */
    static boolean masked(AccountModel m, String mask) {
        String needle = mask.trim().toLowerCase(Locale.ROOT);
        return needle.isEmpty() || contains(m.clearingAccount(), needle) || contains(m.accountName(), needle)
                || contains(m.accountHolder(), needle);
    }

    private static boolean contains(String text, String needle) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(needle);
    }
}
