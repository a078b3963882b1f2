package dev.crater.accountrequests;

import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Account opening (reference 03-accounts.md §2) and the simulated clearing flow behind it (§7).
 *
 * <p>A {@code PaperTrading} request opens its account at once, with the company's starting cash and
 * margin type ({@link #settings}), and is {@code Approved}. Any other provider stands for a clearing
 * firm: the account is opened at once but disabled (no trading, no cash), the request is
 * {@code SentToClearing} and the firm's KYC investigation {@code Pending}; an operator then approves
 * it ({@code crater admin account-request approve}: the account is enabled, the request
 * {@code Approved}, the investigation {@code Accepted}) or rejects it (the account stays disabled,
 * the request and its investigation {@code Rejected}).
 */
public final class AccountRequests {

    /** Named limits. */
    public static final int NAME_CHARS_MAX = 40;
    public static final int COMMENT_CHARS_MAX = 500;
    public static final int WAITING_PER_USER_MAX = 5;
    public static final int LIST_MAX = 200;
    public static final int INVESTIGATIONS_MAX = 100;
    /** The defaults of a company without opening settings (the documented demo paper account). */
    public static final BigDecimal DEFAULT_STARTING_CASH = new BigDecimal("100000");
    public static final MarginType DEFAULT_MARGIN_TYPE = MarginType.Margin;

    /** Request statuses: the documented AccountModel {@code Status} values. */
    public static final String NEW = "New";
    public static final String SENT_TO_CLEARING = "SentToClearing";
    public static final String APPROVED = "Approved";
    public static final String REJECTED = "Rejected";
    /** Investigation statuses (the docs list none; these are Crater's). */
    public static final String PENDING = "Pending";
    public static final String ACCEPTED = "Accepted";

    public static final String OPEN = "Open";
    public static final String PAPER = Account.PAPER_FIRM;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1," + NAME_CHARS_MAX + "}");

    private final AccountRequestStore store;
    private final AccountService accounts;
    private final InstantSource clock;

    public AccountRequests(AccountRequestStore store, AccountService accounts, InstantSource clock) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    public AccountRequestStore store() {
        return store;
    }

    /** What the company's paper accounts open with (the defaults when an operator set none). */
    public AccountRequestStore.Settings settings(long companyId) {
        return store.settings(companyId)
                .orElse(new AccountRequestStore.Settings(DEFAULT_STARTING_CASH, DEFAULT_MARGIN_TYPE));
    }

    /** Sets what the company's new paper accounts open with (and what a reset restores them to). */
    public void setSettings(long companyId, BigDecimal startingCash, MarginType marginType) {
        if (startingCash.signum() < 0 || startingCash.compareTo(AccountService.CASH_REQUEST_MAX) > 0
                || startingCash.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("the starting cash is 0 to "
                    + AccountService.CASH_REQUEST_MAX.toPlainString() + " dollars and cents");
        }
        if (marginType == MarginType.Empty) {
            throw new IllegalArgumentException("the margin type is Cash, Margin, DayTrader or MarginIra");
        }
        store.saveSettings(companyId, new AccountRequestStore.Settings(startingCash, marginType), clock.millis());
    }

    /** Checks a form type or provider name: 1 to {@link #NAME_CHARS_MAX} letters, digits, '_', '.', '-'. */
    static String name(String text, String field) {
        String t = text == null ? "" : text.trim();
        if (!NAME.matcher(t).matches()) {
            throw Refusal.invalid("model." + field, field + " is required: 1 to " + NAME_CHARS_MAX
                    + " letters, digits, '_', '.' or '-' (PaperTrading for a paper account).");
        }
        return t;
    }

    /**
     * Opens an account for {@code user} as requested: see the class comment.
     *
     * @throws Refusal.Invalid for a missing or malformed form type or provider
     * @throws Refusal.Conflict when the user has {@link #WAITING_PER_USER_MAX} requests waiting, or
     *         as many accounts as a user may have
     */
    public AccountRequestStore.Request open(User user, String formType, String provider) {
        String form = name(formType, "FormType");
        String firm = name(provider, "AccountProvider");
        boolean paper = firm.equalsIgnoreCase(PAPER);
        if (paper) {
            firm = PAPER;
        }
        if (!paper && store.waiting(user.id()) >= WAITING_PER_USER_MAX) {
            throw new Refusal.Conflict("At most " + WAITING_PER_USER_MAX
                    + " account requests may wait for their clearing firm at once.");
        }
        long now = clock.millis();
        String id = UUID.randomUUID().toString();
        AccountRequestStore.Settings settings = settings(user.companyId());
        Account account;
        try {
            account = accounts.open(user, settings.marginType(), paper ? settings.startingCash() : BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, id, firm, paper);
        } catch (IllegalArgumentException e) {
            throw new Refusal.Conflict(e.getMessage().substring(0, 1).toUpperCase() + e.getMessage().substring(1)
                    + ".");
        }
        String status = paper ? APPROVED : SENT_TO_CLEARING;
        AccountRequestStore.Request r = new AccountRequestStore.Request(id, user.companyId(), user.id(), account.id(),
                form, firm, OPEN, status, null, now, now);
        store.insert(r);
        if (!paper) {
            store.insert(new AccountRequestStore.Investigation(UUID.randomUUID().toString(), id, account.id(), PENDING,
                    null, now, now));
        }
        return r;
    }

    /** A user's requests, newest first. */
    public List<AccountRequestStore.Request> ofUser(long userId) {
        return store.ofUser(userId, LIST_MAX);
    }

    public Optional<AccountRequestStore.Request> request(String id) {
        return store.request(id);
    }

    /** The account's investigations (the clearing firm's checks of its opening request). */
    public List<AccountRequestStore.Investigation> investigations(long accountId) {
        return store.investigations(accountId, INVESTIGATIONS_MAX);
    }

    public Optional<AccountRequestStore.Investigation> investigation(long accountId, String id) {
        return store.investigation(accountId, id);
    }

    /**
     * The clearing firm approves a request waiting for it: the account is enabled, the request
     * {@code Approved}, its investigation {@code Accepted}.
     *
     * @throws IllegalArgumentException when there is no such request, or it is not waiting
     */
    public AccountRequestStore.Request approve(String id, String comment) {
        return decide(id, comment, true);
    }

    /** The clearing firm rejects a waiting request: it and its investigation {@code Rejected}; the account stays disabled. */
    public AccountRequestStore.Request reject(String id, String comment) {
        return decide(id, comment, false);
    }

    private AccountRequestStore.Request decide(String id, String comment, boolean approve) {
        String c = comment == null || comment.isBlank() ? null : comment.trim();
        if (c != null && (c.length() > COMMENT_CHARS_MAX || c.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("a comment is at most " + COMMENT_CHARS_MAX + " printable characters");
        }
        AccountRequestStore.Request r = store.request(id)
                .orElseThrow(() -> new IllegalArgumentException("no account request " + id));
        long now = clock.millis();
        String to = approve ? APPROVED : REJECTED;
        if (!store.transition(id, SENT_TO_CLEARING, to, c, now)) {
            throw new IllegalArgumentException("account request " + id + " is " + r.status()
                    + ", not waiting for its clearing firm");
        }
        store.decideInvestigations(id, PENDING, approve ? ACCEPTED : REJECTED, c, now);
        if (approve && r.accountId() != null) {
            accounts.byId(r.accountId()).ifPresent(a -> accounts.setEnabled(a, true));
        }
        return store.request(id).orElseThrow();
    }
}
