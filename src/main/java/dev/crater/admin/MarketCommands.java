package dev.crater.admin;

import dev.crater.Services;
import dev.crater.market.MarketEvent;
import dev.crater.market.Quote;
import dev.crater.securities.Security;
import dev.crater.securities.SecurityType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin security …} (the securities master) and {@code crater admin market …} (sandbox
 * control of the simulated market). Operators only: nothing here is reachable over the API. Changes
 * are stored and every running node picks them up within about a second.
 */
final class MarketCommands {

    private MarketCommands() {
    }

    /** Parses {@code 90s}, {@code 10m}, {@code 2h}, {@code 3d} or ISO-8601 ({@code PT10M}); may be negative. */
    static Duration duration(String text) {
        String t = text.trim();
        try {
            if (t.toUpperCase(Locale.ROOT).startsWith("P") || t.toUpperCase(Locale.ROOT).startsWith("-P")) {
                return Duration.parse(t);
            }
            char unit = t.charAt(t.length() - 1);
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 90s, 10m, 2h, 3d, PT10M)");
        }
    }

    static BigDecimal price(String text) {
        try {
            BigDecimal p = new BigDecimal(text.trim());
            if (p.signum() <= 0 || p.compareTo(BigDecimal.valueOf(1_000_000_000)) > 0) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a price (a positive decimal up to 1e9)");
        }
    }

    static Security security(Services s, String symbol) {
        return s.securities.snapshot().bySymbol(symbol)
                .orElseThrow(() -> new IllegalArgumentException("no security with symbol '" + symbol + "'"));
    }

    static String describe(Quote q) {
        return String.format(Locale.ROOT, "%s %s  bid %s x %d  ask %s x %d  last %s  vol %d  %s%s  (market time %s)",
                q.symbol(), q.session(), q.bid().toPlainString(), q.bidSize(), q.ask().toPlainString(), q.askSize(),
                q.last().toPlainString(), q.volume(), q.previousClose() == null ? "" : "prev close "
                        + q.previousClose().toPlainString(), q.halted() ? "  HALTED" : "", Instant.ofEpochMilli(q.timeMs()));
    }

    /** Base for commands on one security: {@code --symbol} names it. */
    abstract static class SecurityCommand extends AdminCommand.StoreCommand {
        @Option(names = "--symbol", required = true)
        String symbol;

        @Override
        final int run(Services s) {
            return run(s, security(s, symbol));
        }

        abstract int run(Services s, Security x);
    }

    // ---- securities ----------------------------------------------------------------------------

    @Command(name = "security", mixinStandardHelpOptions = true,
            description = "The securities master: list, show, add and change securities.",
            subcommands = {SecurityList.class, SecurityShow.class, SecurityAdd.class, SecuritySet.class})
    static final class SecurityCommands extends AdminCommand.Group {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List securities.")
    static final class SecurityList extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--type", description = "Only this type (e.g. CommonStock, ETF).")
        String type;

        @Override
        int run(Services s) {
            System.out.printf("%-6s %-8s %-12s %-6s %-6s %s%n", "ID", "SYMBOL", "TYPE", "EXCH", "TRADE", "NAME");
            for (Security x : s.securities.snapshot().all()) {
                if (type != null && !x.type().name().equalsIgnoreCase(type)) {
                    continue;
                }
                System.out.printf("%-6d %-8s %-12s %-6s %-6s %s%n", x.id(), x.symbol(), x.type(), x.exchange(),
                        x.enabled() && x.allowTrade() ? "yes" : "no", x.description());
            }
            return 0;
        }
    }

    /** A security's fields as aligned "name: value" lines, decimals written plainly. */
    static String details(Security x) {
        StringBuilder b = new StringBuilder();
        java.util.function.BiConsumer<String, Object> line = (k, v) -> b.append(String.format("%-16s %s%n", k + ":", v));
        line.accept("Id", x.id());
        line.accept("Symbol", x.symbol());
        line.accept("Name", x.description());
        line.accept("Type", x.type());
        line.accept("Exchange", x.exchange());
        line.accept("Currency", x.currency());
        line.accept("Tick size", x.tickSize().stripTrailingZeros().toPlainString());
        line.accept("Reference price", x.referencePrice().setScale(Math.max(2, x.referencePrice().stripTrailingZeros().scale()),
                java.math.RoundingMode.UNNECESSARY).toPlainString());
        line.accept("Enabled", yesNo(x.enabled()));
        line.accept("Tradable", yesNo(x.allowTrade()));
        line.accept("Marginable", yesNo(x.allowMargin()));
        line.accept("Shortable", yesNo(x.allowShort()));
        line.accept("Optionable", yesNo(x.optionable()));
        line.accept("Origin", x.origin());
        line.accept("Added", Instant.ofEpochMilli(x.addedAtMs()));
        line.accept("Modified", Instant.ofEpochMilli(x.modifiedAtMs()));
        return b.toString();
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one security and its quote.")
    static final class SecurityShow extends SecurityCommand {
        @Override
        boolean audited() {
            return false;
        }


        @Override
        int run(Services s, Security x) {
            System.out.print(details(x));
            System.out.println(describe(s.market.quoteAt(x, s.market.nowMs())));
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an internal security (ids from 1000 up); its simulated path starts at --price.")
    static final class SecurityAdd extends AdminCommand.StoreCommand {
        @Option(names = "--symbol", required = true)
        String symbol;
        @Option(names = "--name", required = true, description = "Description (company or fund name).")
        String name;
        @Option(names = "--exchange", defaultValue = "XNAS", description = "MIC, default XNAS.")
        String exchange;
        @Option(names = "--type", defaultValue = "CommonStock", description = "Security type name, default CommonStock.")
        String type;
        @Option(names = "--currency", defaultValue = "USD")
        String currency;
        @Option(names = "--price", required = true, description = "Reference (starting) price.")
        String price;
        @Option(names = "--tick-size", defaultValue = "0.01")
        String tickSize;
        @Option(names = "--no-trade", description = "Listed but not tradable (AllowTrade false).")
        boolean noTrade;
        @Option(names = "--no-margin")
        boolean noMargin;
        @Option(names = "--no-short")
        boolean noShort;
        @Option(names = "--optionable", description = "List option chains on it.")
        boolean optionable;

        @Override
        int run(Services s) {
            String sym = symbol.trim().toUpperCase(Locale.ROOT);
            if (!sym.matches("[A-Z0-9][A-Z0-9./-]{0,31}")) {
                throw new IllegalArgumentException("a symbol is 1-32 letters, digits, '.', '/' or '-'");
            }
            if (s.securities.snapshot().bySymbol(sym).isPresent()) {
                throw new IllegalArgumentException("symbol " + sym + " exists already");
            }
            SecurityType t = SecurityType.parse(type);
            if (t == null || t == SecurityType.Option) {
                throw new IllegalArgumentException("--type must be a security type name other than Option");
            }
            long now = s.clock.millis();
            Security added = s.securities.store().addOperatorSecurity(new Security(0, sym, name.trim(),
                    exchange.trim().toUpperCase(Locale.ROOT), currency.trim().toUpperCase(Locale.ROOT), t, 2, 0,
                    price(tickSize), true, !noTrade, !noMargin, !noShort, optionable, price(price),
                    Security.ORIGIN_OPERATOR, now, now));
            System.out.println("Added security " + added.id() + " " + added.symbol());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a security's flags or data.")
    static final class SecuritySet extends SecurityCommand {
        @Option(names = "--name")
        String name;
        @Option(names = "--exchange")
        String exchange;
        @Option(names = "--enabled", arity = "1")
        Boolean enabled;
        @Option(names = "--allow-trade", arity = "1")
        Boolean allowTrade;
        @Option(names = "--allow-margin", arity = "1")
        Boolean allowMargin;
        @Option(names = "--allow-short", arity = "1")
        Boolean allowShort;
        @Option(names = "--optionable", arity = "1")
        Boolean optionable;
        @Option(names = "--tick-size")
        String tickSize;

        @Override
        int run(Services s, Security x) {
            Security changed = new Security(x.id(), x.symbol(), name != null ? name.trim() : x.description(),
                    exchange != null ? exchange.trim().toUpperCase(Locale.ROOT) : x.exchange(), x.currency(), x.type(),
                    x.precision(), x.volumePrecision(), tickSize != null ? price(tickSize) : x.tickSize(),
                    enabled != null ? enabled : x.enabled(), allowTrade != null ? allowTrade : x.allowTrade(),
                    allowMargin != null ? allowMargin : x.allowMargin(), allowShort != null ? allowShort : x.allowShort(),
                    optionable != null ? optionable : x.optionable(), x.referencePrice(), x.origin(), x.addedAtMs(),
                    s.clock.millis());
            s.securities.store().update(changed);
            System.out.println("Updated " + changed.symbol());
            return 0;
        }
    }

    // ---- market sandbox ------------------------------------------------------------------------

    @Command(name = "market", mixinStandardHelpOptions = true,
            description = "Sandbox control of the simulated market (operators only).",
            subcommands = {MarketQuote.class, MarketSetPrice.class, MarketMove.class, MarketHalt.class,
                    MarketResume.class, MarketClear.class, MarketClock.class})
    static final class MarketCommandGroup extends AdminCommand.Group {
    }

    @Command(name = "quote", mixinStandardHelpOptions = true, description = "Print a security's quote now (market time).")
    static final class MarketQuote extends SecurityCommand {
        @Override
        boolean audited() {
            return false;
        }


        @Override
        int run(Services s, Security x) {
            System.out.println(describe(s.market.quoteAt(x, s.market.nowMs())));
            return 0;
        }
    }

    @Command(name = "set-price", mixinStandardHelpOptions = true,
            description = "Jump a security's price; the simulated path goes on from there.")
    static final class MarketSetPrice extends SecurityCommand {
        @Option(names = "--price", required = true)
        String price;

        @Override
        int run(Services s, Security x) {
            long now = s.market.nowMs();
            s.marketControl.add(new MarketEvent(0, x.id(), MarketEvent.Kind.SET, now, null, price(price), List.of()), now);
            System.out.println(x.symbol() + " set to " + price + " at market time " + Instant.ofEpochMilli(now));
            return 0;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Move a security's price along a path: --to P --over D, or --path 'P@D,P@D,…' "
                    + "(prices at offsets from now, e.g. '250@1m,240@5m').")
    static final class MarketMove extends SecurityCommand {
        @Option(names = "--to", description = "Target price (with --over).")
        String to;
        @Option(names = "--over", description = "How long the move takes (with --to), e.g. 10m.")
        String over;
        @Option(names = "--path", description = "Comma-separated PRICE@OFFSET points.")
        String path;

        @Override
        int run(Services s, Security x) {
            long now = s.market.nowMs();
            List<MarketEvent.Point> points = new ArrayList<>();
            points.add(new MarketEvent.Point(now, s.market.price(x, now)));
            if (path != null) {
                for (String part : path.split(",")) {
                    String[] pd = part.trim().split("@");
                    if (pd.length != 2) {
                        throw new IllegalArgumentException("path points are PRICE@OFFSET, got '" + part + "'");
                    }
                    points.add(new MarketEvent.Point(now + duration(pd[1]).toMillis(), price(pd[0])));
                }
            } else if (to != null && over != null) {
                points.add(new MarketEvent.Point(now + duration(over).toMillis(), price(to)));
            } else {
                throw new IllegalArgumentException("give --to and --over, or --path");
            }
            if (points.size() > MarketEvent.POINTS_MAX) {
                throw new IllegalArgumentException("a path has at most " + MarketEvent.POINTS_MAX + " points");
            }
            for (int i = 1; i < points.size(); i++) {
                if (points.get(i).atMs() <= points.get(i - 1).atMs()) {
                    throw new IllegalArgumentException("path offsets must be positive and increasing");
                }
            }
            s.marketControl.add(new MarketEvent(0, x.id(), MarketEvent.Kind.PATH, now, null, null, points), now);
            System.out.println(x.symbol() + " moves along " + (points.size() - 1) + " point(s) from "
                    + Instant.ofEpochMilli(now));
            return 0;
        }
    }

    @Command(name = "halt", mixinStandardHelpOptions = true, description = "Halt trading in a security (price stands still).")
    static final class MarketHalt extends SecurityCommand {

        @Override
        int run(Services s, Security x) {
            long now = s.market.nowMs();
            if (s.market.halted(x, now)) {
                throw new IllegalArgumentException(x.symbol() + " is halted already");
            }
            s.marketControl.add(new MarketEvent(0, x.id(), MarketEvent.Kind.HALT, now, null, null, List.of()), now);
            System.out.println(x.symbol() + " halted at market time " + Instant.ofEpochMilli(now));
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a halted security.")
    static final class MarketResume extends SecurityCommand {

        @Override
        int run(Services s, Security x) {
            if (!s.marketControl.resume(x.id(), s.market.nowMs())) {
                throw new IllegalArgumentException(x.symbol() + " is not halted");
            }
            System.out.println(x.symbol() + " resumed");
            return 0;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Forget every sandbox event of a security: it follows its plain simulated path again.")
    static final class MarketClear extends SecurityCommand {

        @Override
        int run(Services s, Security x) {
            System.out.println("Removed " + s.marketControl.clear(x.id()) + " event(s) of " + x.symbol());
            return 0;
        }
    }

    @Command(name = "clock", mixinStandardHelpOptions = true,
            description = "Show or move the simulated market clock: --jump 2h (or -30m), --set 2026-11-23T14:30:00Z,"
                    + " --to-open (the next regular session), --reset.")
    static final class MarketClock extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return reset || set != null || jump != null || toOpen;
        }

        @Option(names = "--jump", description = "Move market time by this much (e.g. 2h, -1d).")
        String jump;
        @Option(names = "--set", description = "Set market time to this instant.")
        String set;
        @Option(names = "--reset", description = "Market time = real time again.")
        boolean reset;
        @Option(names = "--to-open", description = "Move market time forward to the next regular-session open"
                + " (unchanged while the regular session is open): trade now, whatever the real time.")
        boolean toOpen;

        @Override
        int run(Services s) {
            long offset = s.marketControl.clockOffset();
            long real = s.clock.millis();
            if (reset) {
                offset = 0;
            } else if (set != null) {
                try {
                    offset = Instant.parse(set.trim()).toEpochMilli() - real;
                } catch (java.time.format.DateTimeParseException e) {
                    throw new IllegalArgumentException("--set takes an ISO-8601 instant, e.g. 2026-11-23T14:30:00Z");
                }
            } else if (jump != null) {
                offset += duration(jump).toMillis();
            } else if (toOpen) {
                long now = real + offset;
                if (s.market.session(now) != dev.crater.market.Session.REGULAR) {
                    offset = nextRegularOpen(s.market.calendar(), now).toEpochMilli() - real;
                }
            }
            if (reset || set != null || jump != null || toOpen) {
                s.marketControl.setClockOffset(offset);
            }
            long market = real + offset;
            System.out.println("market time " + Instant.ofEpochMilli(market) + " (" + newYork(market) + " New York, "
                    + s.market.session(market) + "), offset " + Duration.ofMillis(offset));
            if (s.market.session(market) != dev.crater.market.Session.REGULAR) {
                System.out.println("the regular session opens " + newYork(nextRegularOpen(s.market.calendar(), market)
                        .toEpochMilli()) + " New York (market clock --to-open moves there)");
            }
            return 0;
        }

        /** The first regular-session open after market time {@code ms}. */
        static Instant nextRegularOpen(dev.crater.market.TradingCalendar calendar, long ms) {
            Instant t = Instant.ofEpochMilli(ms);
            for (java.time.LocalDate d = calendar.tradingDate(t); ; d = d.plusDays(1)) {
                if (calendar.isTradingDay(d) && calendar.regularOpen(d).toInstant().isAfter(t)) {
                    return calendar.regularOpen(d).toInstant();
                }
            }
        }

        private static String newYork(long ms) {
            return java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT)
                    .format(Instant.ofEpochMilli(ms).atZone(dev.crater.market.TradingCalendar.ZONE));
        }
    }
}
