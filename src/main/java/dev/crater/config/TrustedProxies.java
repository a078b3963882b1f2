package dev.crater.config;

import io.helidon.common.context.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The reverse proxies (and other Crater nodes) whose {@code X-Forwarded-For} a node believes, from
 * {@code CRATER_TRUSTED_PROXIES}: a comma-separated list of addresses and CIDR ranges, e.g.
 * {@code 127.0.0.1,10.0.0.0/8,fd00::/8}. Empty by default: then the client address of every request
 * is its TCP peer and the header is ignored.
 *
 * <p>{@link #clientAddress} is the standard right-most algorithm: when the TCP peer is trusted, the
 * header's entries are walked from the right (the entry the nearest proxy appended) past every
 * trusted address; the first untrusted one is the client. Entries left of it were written by the
 * client itself and are never read, so a client cannot choose its address by sending the header —
 * neither directly (its peer address is not trusted) nor through a proxy (the proxy appends the real
 * peer to the right of whatever the client sent). A header that cannot be read where it is read
 * (not an IP literal, too many hops) is ignored: the peer is the client.
 */
public final class TrustedProxies {
    /** More entries in {@code CRATER_TRUSTED_PROXIES} are refused at start-up. */
    public static final int ENTRIES_MAX = 256;
    /**
     * How many trusted hops the walk passes before it gives up and takes the peer: far beyond any
     * real chain (client, CDN, proxy, node), and a bound on the work a long header can cause.
     */
    public static final int HOPS_MAX = 16;
    /** One entry of the header longer than this is not an address (the longest IPv6 literal is 45). */
    static final int ENTRY_CHARS_MAX = 64;
    /** Trust nobody (the default). */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private final List<Range> ranges;
    private final String text;

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private TrustedProxies(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /**
     * Parses {@code CRATER_TRUSTED_PROXIES}: blank means none.
     *
     * @throws IllegalArgumentException naming the entry that is not an IP address or CIDR range
     */
    public static TrustedProxies parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (ranges.size() == ENTRIES_MAX) {
                throw new IllegalArgumentException("CRATER_TRUSTED_PROXIES has more than " + ENTRIES_MAX + " entries");
            }
            int slash = entry.indexOf('/');
            String addressPart = slash < 0 ? entry : entry.substring(0, slash);
            Optional<InetAddress> address = literal(addressPart);
            if (address.isEmpty()) {
                throw new IllegalArgumentException("CRATER_TRUSTED_PROXIES: '" + entry
                        + "' is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8); names are not resolved");
            }
            byte[] bytes = address.get().getAddress();
            int bits = bytes.length * 8;
            if (slash >= 0) {
                String prefix = entry.substring(slash + 1);
                int parsed = -1;
                if (!prefix.isEmpty() && prefix.length() <= 3 && prefix.chars().allMatch(Character::isDigit)) {
                    parsed = Integer.parseInt(prefix);
                }
                if (parsed < 0 || parsed > bits) {
                    throw new IllegalArgumentException("CRATER_TRUSTED_PROXIES: '" + entry + "' needs a prefix length 0.."
                            + bits);
                }
                bits = parsed;
            }
            ranges.add(new Range(bytes, bits));
            shown.add(entry.toLowerCase(Locale.ROOT));
        }
        return new TrustedProxies(ranges, String.join(",", shown));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} is one of the trusted proxies. */
    public boolean trusts(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address: {@code peer} itself unless it is trusted and {@code forwardedFor} (the
     * values of every {@code X-Forwarded-For} header, in order) names one further out; see the class
     * comment. Addresses come back as {@link InetAddress#getHostAddress()} writes them.
     */
    public String clientAddress(InetAddress peer, List<String> forwardedFor) {
        String direct = peer.getHostAddress();
        if (ranges.isEmpty() || forwardedFor == null || forwardedFor.isEmpty() || !trusts(peer)) {
            return direct;
        }
        List<String> entries = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String part : value.split(",", -1)) {
                entries.add(part.trim());
            }
        }
        String furthest = direct;
        int hops = 0;
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (++hops > HOPS_MAX) {
                return direct;
            }
            Optional<InetAddress> hop = literal(stripPort(entries.get(i)));
            if (hop.isEmpty()) {
                return direct;
            }
            if (!trusts(hop.get())) {
                return hop.get().getHostAddress();
            }
            furthest = hop.get().getHostAddress();
        }
        // Every hop is a trusted proxy (a request made on the proxy's own machine): the furthest one.
        return furthest;
    }

    /** An entry with a port ({@code 1.2.3.4:5678}, {@code [::1]:80}), as some proxies write it: the address. */
    private static String stripPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close < 0 ? entry : entry.substring(1, close);
        }
        int colon = entry.indexOf(':');
        if (colon > 0 && colon == entry.lastIndexOf(':') && entry.indexOf('.') > 0) {
            return entry.substring(0, colon);
        }
        return entry;
    }

    /**
     * An IPv4 or IPv6 literal, parsed without any name lookup: dotted quads are parsed here, and only
     * text of hex digits, colons and dots that has a colon and starts with a hex digit or a colon goes
     * to {@link InetAddress#getByName}, which parses such text as an IPv6 literal (or refuses it) and
     * never resolves it.
     */
    static Optional<InetAddress> literal(String text) {
        if (text == null || text.isEmpty() || text.length() > ENTRY_CHARS_MAX) {
            return Optional.empty();
        }
        if (text.indexOf(':') < 0) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return Optional.empty();
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return Optional.empty();
                }
                int v = Integer.parseInt(p);
                if (v > 255) {
                    return Optional.empty();
                }
                b[i] = (byte) v;
            }
            try {
                return Optional.of(InetAddress.getByAddress(b));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        if (text.charAt(0) == '.') {
            return Optional.empty(); // getByName parses only text that starts with a hex digit or ':' as a literal
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return Optional.empty(); // zone ids (%eth0), brackets, names: not an address here
            }
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Registers these proxies in a server context (read back by {@link #of(Context)}). */
    public void register(Context serverContext) {
        serverContext.register(this);
    }

    /** The proxies registered in {@code context} or a parent of it; none if none were. */
    public static TrustedProxies of(Context context) {
        return context.get(TrustedProxies.class).orElse(NONE);
    }

    /** The list as configured (addresses and ranges, normalised to lower case). */
    @Override
    public String toString() {
        return text.isEmpty() ? "none" : text;
    }
}
