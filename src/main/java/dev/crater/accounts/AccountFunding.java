package dev.crater.accounts;

import dev.crater.audit.AuditLog;
import java.math.BigDecimal;

/**
 * Operators' deposits and withdrawals: the one path behind {@code crater admin account fund} and the
 * operator route {@code POST /v1.0/crater/sandbox/accounts/fund}. Each is a cash request the trading
 * engine applies exactly once (a withdrawal the account cannot cover is refused by the engine), and
 * each is audited with who asked for it. An operator key reaches only its own company's accounts;
 * {@code crater admin} reaches every account.
 */
public final class AccountFunding {
    /** Named limit: a cash request's description, in characters. */
    public static final int DESCRIPTION_CHARS_MAX = 200;

    private final AccountService accounts;
    private final AuditLog audit;

    public AccountFunding(AccountService accounts, AuditLog audit) {
        this.accounts = accounts;
        this.audit = audit;
    }

    /**
     * The description a request for {@code amount} is booked with: {@code given}, trimmed, or
     * "Deposit" / "Withdrawal" by the sign when null.
     *
     * @throws IllegalArgumentException when it is blank, longer than {@link #DESCRIPTION_CHARS_MAX}
     *         or has control characters
     */
    public static String description(String given, BigDecimal amount) {
        String d = given != null ? given.trim() : amount.signum() < 0 ? "Withdrawal" : "Deposit";
        if (d.isEmpty() || d.length() > DESCRIPTION_CHARS_MAX || d.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a description is 1 to " + DESCRIPTION_CHARS_MAX
                    + " printable characters");
        }
        return d;
    }

    /**
     * Records a deposit (positive {@code amount}) or withdrawal (negative) for {@code account};
     * returns the cash request's id. The description is checked by {@link #description}.
     *
     * @throws IllegalArgumentException when an operator key acts on another company's account, the amount
     *         is zero, above {@link AccountService#CASH_REQUEST_MAX} or finer than cents, or the description
     *         is refused
     */
    public long fund(AuditLog.Actor who, Account account, BigDecimal amount, String description) {
        if (who.companyId() != null && who.companyId() != account.companyId()) {
            throw new IllegalArgumentException("account " + account.id() + " is not in the operator key's company");
        }
        String d = description(description, amount);
        long id = accounts.requestCash(account.id(), amount, d);
        audit.record(account.companyId(), who, AuditLog.Event.CASH_REQUESTED, "cash request " + id + ": "
                + amount.toPlainString() + " for account " + account.id());
        return id;
    }
}
