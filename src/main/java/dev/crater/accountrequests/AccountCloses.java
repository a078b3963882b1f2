package dev.crater.accountrequests;

import dev.crater.accounts.Account;
import dev.crater.accounts.AccountCloseStore;
import dev.crater.accounts.AccountService;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.orders.PositionService;
import dev.crater.orders.TradingService;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The daily close snapshot: once the market clock passes a trading day's regular close, each
 * account that existed then gets its value at that close stored ({@link AccountCloseStore}) —
 * {@code /accounts/{id}/history} and the previous-close figures of {@code /accounts/{id}/info} read
 * it instead of replaying the ledger. Each node takes the accounts whose trading shard it runs (all
 * of them on the embedded store), and any account still missing {@link #ORPHAN_GRACE_MS} after the
 * close; the store keeps one row per account and day, so a close is taken once whichever nodes try.
 */
public final class AccountCloses {

    /** Named limit: how long after a close a node waits before taking the accounts of other nodes' shards. */
    public static final long ORPHAN_GRACE_MS = 60_000;

    private final AccountCloseStore closes;
    private final AccountService accounts;
    private final PositionService positions;
    private final TradingService trading;
    private final Market market;
    private final InstantSource clock;
    private volatile LocalDate done;

    public AccountCloses(AccountCloseStore closes, AccountService accounts, PositionService positions,
            TradingService trading, Market market, InstantSource clock) {
        this.closes = closes;
        this.accounts = accounts;
        this.positions = positions;
        this.trading = trading;
        this.market = market;
        this.clock = clock;
    }

    /** The latest trading day whose regular close is at or before {@code nowMs}, or null. */
    PathModel.Day lastClosed(long nowMs) {
        LocalDate today = market.model().dateAt(nowMs);
        PathModel.Day day = market.model().day(today);
        if (day != null && nowMs >= day.regularCloseMs()) {
            return day;
        }
        return market.model().day(market.calendar().previousTradingDay(today));
    }

    /** Takes the latest close's snapshot of every account still without one; returns how many this call stored. */
    public int takeDue() {
        long now = market.nowMs();
        PathModel.Day day = lastClosed(now);
        if (day == null || day.date().equals(done)) {
            return 0;
        }
        List<Long> due = new ArrayList<>();
        for (Account a : accounts.all()) {
            if (a.createdAtMs() <= day.regularCloseMs()) {
                due.add(a.id());
            }
        }
        Set<Long> taken = closes.taken(day.date(), due);
        boolean orphansToo = now - day.regularCloseMs() >= ORPHAN_GRACE_MS;
        int stored = 0;
        int missing = 0;
        for (long id : due) {
            if (taken.contains(id)) {
                continue;
            }
            if (!trading.local(id) && !orphansToo) {
                missing++;
                continue;
            }
            if (closes.insertIfAbsent(id, day.date(), day.regularCloseMs(), positions.valueAtClose(id, day),
                    clock.millis())) {
                stored++;
            }
        }
        if (missing == 0) {
            done = day.date();
        }
        return stored;
    }
}
