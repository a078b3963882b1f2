package dev.crater.accounts;

import dev.crater.access.Principal;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.store.Monotonic;
import dev.crater.store.ReadCache;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trading accounts and who may do what in them. Every API access goes through {@link #access}: an
 * account a user is not linked to (or that does not exist) is the documented 401, so account ids
 * cannot be probed.
 */
public final class AccountService {

    /**
     * Named limits. Access checks are cached for {@link #ACCESS_REVALIDATE_MS}: a change made by an
     * operator or another node takes effect within that time; changes made here at once.
     */
    public static final int ACCOUNTS_PER_USER_MAX = 100;
    public static final int USERS_PER_ACCOUNT_MAX = 50;
    public static final int ALIAS_CHARS_MAX = 100;
    public static final BigDecimal CASH_REQUEST_MAX = new BigDecimal("1000000000");

    /** What a request needs to do in an account. */
    public enum Need {
        /** Read balances, orders, positions. */
        READ,
        /** Place orders (ClosePositionsOnly only reducing ones: the order checks that). */
        ORDER,
        /** Manage the account's users. */
        MANAGE
    }

    /** Named limits of the access cache: entries re-read after this long, and at most this many. */
    static final long ACCESS_REVALIDATE_MS = 2000;
    static final int ACCESS_ENTRIES_MAX = 100_000;

    private record LinkKey(long accountId, long userId) {
    }

    private final AccountStore store;
    private final UserService users;
    private final InstantSource clock;
    /** Every account call checks access: links and accounts are cached briefly (monotonic time). */
    private final ReadCache<LinkKey, AccountLink> links;
    private final ReadCache<Long, Account> byId;

    public AccountService(AccountStore store, UserService users, InstantSource clock) {
        this.store = store;
        this.users = users;
        this.clock = clock;
        InstantSource monotonic = Monotonic.SOURCE;
        this.links = new ReadCache<>(k -> store.link(k.accountId(), k.userId()), monotonic,
                ACCESS_REVALIDATE_MS, ACCESS_ENTRIES_MAX);
        this.byId = new ReadCache<>(store::byId, monotonic, ACCESS_REVALIDATE_MS,
                ACCESS_ENTRIES_MAX);
    }

    /** An account by id, whoever's it is (operators' commands; callers check the company). */
    public Optional<Account> byId(long accountId) {
        return store.byId(accountId);
    }

    /**
     * An account through the access cache (at most {@link #ACCESS_REVALIDATE_MS} old): for the names
     * and numbers an answer shows (an order's clearing account and holder), which must not cost a
     * store read per answer.
     */
    public Optional<Account> cachedById(long accountId) {
        return byId.get(accountId);
    }

    /** Every account, for operators. */
    public List<Account> all() {
        return store.all();
    }

    /** A company's accounts, for operators. */
    public List<Account> byCompany(long companyId) {
        return store.byCompany(companyId);
    }

    /** Operators' cash requests not applied yet, oldest first, at most {@code limit} (the trading shards apply them). */
    public List<AccountStore.CashRequest> pendingCash(int limit) {
        return store.pendingCash(limit);
    }

    /** Whether the account has cash requests the engine has not applied yet (its opening deposit, say). */
    public boolean cashPending(long accountId) {
        return store.pendingCashOf(accountId) > 0;
    }

    /** The store, for this package's tests. */
    AccountStore store() {
        return store;
    }

    /** Opens a paper account owned by {@code owner}; {@code cash} (if positive) is requested as a deposit. */
    public Account open(User owner, MarginType marginType, BigDecimal cash, BigDecimal perTrade,
            BigDecimal perShare, BigDecimal perContract) {
        return open(owner, marginType, cash, perTrade, perShare, perContract, UUID.randomUUID().toString(),
                Account.PAPER_FIRM, true);
    }

    /**
     * Opens an account owned by {@code owner} for opening request {@code requestId} at clearing firm
     * {@code firm}, enabled or (waiting for its clearing firm) not; {@code cash} (if positive) is
     * requested as a deposit and recorded as its starting cash ({@link #startingCash}).
     */
    public Account open(User owner, MarginType marginType, BigDecimal cash, BigDecimal perTrade,
            BigDecimal perShare, BigDecimal perContract, String requestId, String firm, boolean enabled) {
        if (marginType == MarginType.Empty) {
            throw new IllegalArgumentException("an account needs a margin type: Cash, Margin, DayTrader or MarginIra");
        }
        if (cash.signum() < 0 || cash.compareTo(CASH_REQUEST_MAX) > 0 || cash.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("an initial deposit is 0 to " + CASH_REQUEST_MAX.toPlainString()
                    + " dollars and cents");
        }
        if (store.linksOfUser(owner.id()).size() >= ACCOUNTS_PER_USER_MAX) {
            throw new IllegalArgumentException("a user has at most " + ACCOUNTS_PER_USER_MAX + " accounts");
        }
        for (BigDecimal c : new BigDecimal[] {perTrade, perShare, perContract}) {
            if (c.signum() < 0 || c.compareTo(BigDecimal.valueOf(1000)) > 0) {
                throw new IllegalArgumentException("commissions are 0..1000 dollars");
            }
        }
        long now = clock.millis();
        String form = "{\"marginType\":\"" + marginType.name() + "\",\"cash\":\"" + cash.toPlainString() + "\"}";
        Account a = store.insert(owner.companyId(), marginType, "USD", perTrade, perShare, perContract,
                requestId, form, owner.id(), now, firm, enabled);
        links.invalidate(new LinkKey(a.id(), owner.id()));
        byId.invalidate(a.id());
        if (cash.signum() > 0) {
            requestCash(a.id(), cash, "Initial deposit");
        }
        return a;
    }

    /**
     * The cash the account opened with, as its opening form records it ({@code FormDataReference}'s
     * {@code cash}); zero when the form names none.
     */
    public static BigDecimal startingCash(Account account) {
        Matcher m = STARTING_CASH.matcher(account.formData() == null ? "" : account.formData());
        return m.find() ? new BigDecimal(m.group(1)) : BigDecimal.ZERO;
    }

    private static final Pattern STARTING_CASH =
            Pattern.compile("\"cash\"\\s*:\\s*\"?(\\d{1,12}(?:\\.\\d{1,2})?)\"?");

    /** Enables or disables an account (an opening request approved by its clearing firm enables it). */
    public void setEnabled(Account account, boolean enabled) {
        store.setEnabled(account.id(), enabled, clock.millis());
        byId.invalidate(account.id());
    }

    /** Asks the engine to move cash in (positive) or out (negative); applied exactly once. */
    public long requestCash(long accountId, BigDecimal amount, String description) {
        if (amount.signum() == 0 || amount.abs().compareTo(CASH_REQUEST_MAX) > 0
                || amount.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("an amount is a non-zero number of dollars and cents up to "
                    + CASH_REQUEST_MAX.toPlainString());
        }
        store.byId(accountId).orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
        return store.requestCash(accountId, amount, description, clock.millis());
    }

    /** The caller's link to the account, if it allows {@code need}; otherwise the documented 401. */
    public AccountAccess access(Principal principal, long id, Need need) {
        AccountLink link = links.get(new LinkKey(id, principal.userId())).orElseThrow(Refusal.Denied::new);
        Account account = byId.get(id).filter(a -> a.companyId() == principal.companyId())
                .orElseThrow(Refusal.Denied::new);
        boolean allowed = switch (need) {
            case READ -> true;
            case ORDER -> link.accessType().canPlaceOrders() && account.enabled();
            case MANAGE -> link.accessType() == Account.AccessType.Owner;
        };
        if (!allowed) {
            throw new Refusal.Denied();
        }
        return new AccountAccess(account, link);
    }

    /** An account as one caller may use it. */
    public record AccountAccess(Account account, AccountLink link) {
    }

    /**
     * The accounts a user is linked to, with their links: the one they selected last first, then by
     * account id.
     */
    public List<AccountAccess> accountsOf(long userId) {
        List<AccountLink> links = store.linksOfUser(userId);
        AccountLink selected = links.stream().filter(l -> l.selectedAtMs() > 0)
                .max(Comparator.comparingLong(AccountLink::selectedAtMs)).orElse(null);
        List<AccountAccess> out = new ArrayList<>();
        for (AccountLink l : links) {
            store.byId(l.accountId()).map(a -> new AccountAccess(a, l)).ifPresent(a -> {
                if (l == selected) {
                    out.addFirst(a);
                } else {
                    out.add(a);
                }
            });
        }
        return out;
    }

    public List<AccountLink> links(long accountId) {
        return store.linksOfAccount(accountId);
    }

    public Optional<User> user(long id) {
        return users.byId(id);
    }

    /**
     * Links {@code target} to the account with {@code type} (or changes its type). The target must be
     * a user of the same company; the last owner cannot be demoted.
     */
    public AccountLink link(Account account, User target, Account.AccessType type) {
        if (target.companyId() != account.companyId()) {
            throw new Refusal.NotFound("No such user in this company.");
        }
        refuse(store.upsertLink(account.id(), target.id(), type, USERS_PER_ACCOUNT_MAX, ACCOUNTS_PER_USER_MAX,
                clock.millis()));
        links.invalidate(new LinkKey(account.id(), target.id()));
        return store.link(account.id(), target.id()).orElseThrow();
    }

    /** Removes {@code userId}'s link; the last owner cannot be removed. */
    public void unlink(Account account, long userId) {
        refuse(store.removeLink(account.id(), userId));
        links.invalidate(new LinkKey(account.id(), userId));
    }

    private static void refuse(AccountStore.LinkChange change) {
        switch (change) {
            case DONE -> {
            }
            case LAST_OWNER -> throw new Refusal.Conflict(
                    "The account's last owner cannot be removed or demoted.");
            case NOT_LINKED -> throw new Refusal.NotFound(
                    "The user is not linked to this account.");
            case ACCOUNT_FULL -> throw new Refusal.Conflict(
                    "An account has at most " + USERS_PER_ACCOUNT_MAX + " users.");
            case USER_FULL -> throw new Refusal.Conflict(
                    "A user has at most " + ACCOUNTS_PER_USER_MAX + " accounts.");
        }
    }

    public void setAlias(AccountAccess access, String alias) {
        String a = alias == null ? "" : alias.trim();
        if (a.isEmpty() || a.length() > ALIAS_CHARS_MAX || a.chars().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid("alias", "An alias is 1 to " + ALIAS_CHARS_MAX + " printable characters.");
        }
        store.setAlias(access.account().id(), access.link().userId(), a);
        links.invalidate(new LinkKey(access.account().id(), access.link().userId()));
    }

    /** Removes the caller's own alias for the account (200 whether or not it had one). */
    public void clearAlias(AccountAccess access) {
        store.clearAlias(access.account().id(), access.link().userId());
        links.invalidate(new LinkKey(access.account().id(), access.link().userId()));
    }

    /** Makes the account the caller's selected one: listed first among their accounts from now on. */
    public void select(AccountAccess access) {
        store.select(access.account().id(), access.link().userId(), clock.millis());
        links.invalidate(new LinkKey(access.account().id(), access.link().userId()));
    }

    /**
     * The user with {@code email} (any case) among those the caller may look up: themselves, and the
     * users linked to accounts the caller owns; several such users with one address: the lowest id.
     * Anyone else is not found, whether or not they exist.
     */
    public Optional<User> visibleUserByEmail(Principal principal, String email) {
        String wanted = email.trim();
        Optional<User> self = users.byId(principal.userId()).filter(u -> u.email().equalsIgnoreCase(wanted));
        if (self.isPresent()) {
            return self;
        }
        User found = null;
        for (AccountAccess a : accountsOf(principal.userId())) {
            if (a.link().accessType() != Account.AccessType.Owner) {
                continue;
            }
            for (AccountLink l : links(a.account().id())) {
                Optional<User> u = users.byId(l.userId()).filter(x -> x.companyId() == principal.companyId()
                        && x.email().equalsIgnoreCase(wanted));
                if (u.isPresent() && (found == null || u.get().id() < found.id())) {
                    found = u.get();
                }
            }
        }
        return Optional.ofNullable(found);
    }

    public Optional<User> userByLogin(long companyId, String login) {
        return users.byUsername(companyId, login);
    }
}
