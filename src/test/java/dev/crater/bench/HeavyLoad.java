package dev.crater.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The heavy-query benchmark (issue 12 item 2; bench/heavy.sh runs it against a fresh server).
 * In each phase one client each, back to back, logs in ({@code POST /api/token}), reads
 * {@code users/@me/info} and places a resting limit order, and their latencies are recorded; the
 * phases differ only in what else runs at the same time:
 *
 * <ol>
 * <li>{@code baseline}: nothing;</li>
 * <li>{@code unscoped xN}: N clients sending the request back to back — the options list
 * with 60 {@code Description contains 'zzK'} terms joined by {@code or} over the whole universe;</li>
 * <li>{@code largest-admitted xN}: N clients sending the most expensive options request the cost
 * bound still admits — the same 60 terms inside the widest {@code UnderlyingAssetSymbol in (…)}
 * scope that is not refused (found by probing before the phases).</li>
 * </ol>
 *
 * Prints one line per phase and operation ({@code HEAVY phase=… op=… n=… p50_ms=… p99_ms=…
 * max_ms=…}), the heavy requests' answers by status, and the server's peak resident memory
 * during the phase (from {@code /proc/PID/status}).
 *
 * <p>Arguments: base URL, app key, account id, server pid, seconds per phase, N.
 */
public final class HeavyLoad {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static String base;
    private static String key;
    private static String token;
    private static long account;

    record Answer(int status, String body, long nanos) {
    }

    static Answer send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Et-App-Key", key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), System.nanoTime() - t0);
        } catch (java.net.http.HttpTimeoutException e) {
            return new Answer(-1, "timeout", System.nanoTime() - t0);
        } catch (Exception e) {
            return new Answer(-2, e.toString(), System.nanoTime() - t0);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String sixtyTerms() {
        return IntStream.range(0, 60).mapToObj(i -> "Description contains 'zz" + i + "'")
                .collect(Collectors.joining(" or "));
    }

    static String optionsPath(String filter) {
        return "/api/v1.0/options?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter=" + enc(filter);
    }

    static Answer login() {
        return send("POST", "/api/token", "", "Username", "demo", "Password", "crater-demo-pass");
    }

    static Answer info() {
        return send("GET", "/api/v1.0/users/@me/info", null, "Authorization", "Bearer " + token);
    }

    static Answer order() {
        return send("POST", "/api/v1.0/accounts/" + account + "/orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Limit\", \"Side\": \"Buy\", \"Quantity\": 1, \"Price\": 0.01,"
                        + " \"TimeInforce\": \"GTC\"}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    /** Where probing for the widest admitted scope gives up: the cost bound admits about 17 underlyings. */
    static final int PROBE_UNDERLYINGS_MAX = 40;

    /**
     * The widest UnderlyingAssetSymbol in (…) scope the server admits (200 rather than 400), or ""
     * when it admits none or more than {@link #PROBE_UNDERLYINGS_MAX}.
     */
    static String widestAdmittedScope(List<String> symbols) {
        String best = "";
        for (int n = 1; n <= symbols.size(); n++) {
            String scope = "UnderlyingAssetSymbol in (" + symbols.subList(0, n).stream().map(s -> "'" + s + "'")
                    .collect(Collectors.joining(",")) + ")";
            Answer a = send("GET", optionsPath(scope), null, "Authorization", "Bearer " + token);
            if (a.status() != 200) {
                break;
            }
            best = scope;
            if (n >= PROBE_UNDERLYINGS_MAX) {
                return ""; // no bound in sight (the code before the cost bound admits everything)
            }
        }
        return best;
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // gone
        }
        return -1;
    }

    /** The server's heap in use right after a full collection (its live set), in MiB, via jcmd; -1 when unknown. */
    static long liveHeapMb(long pid) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").redirectErrorStream(true).start().waitFor();
            Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("used (\\d+)([KMG])").matcher(out);
            if (m.find()) {
                long v = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "K" -> v / 1024;
                    case "G" -> v * 1024;
                    default -> v;
                };
            }
        } catch (Exception e) {
            // no jcmd
        }
        return -1;
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    static void phase(String name, int seconds, int heavyClients, String heavyPath, long pid) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> heavyStatus = new ConcurrentHashMap<>();
        List<Long> heavyLatency = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < heavyClients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    Answer a = send("GET", heavyPath, null, "Authorization", "Bearer " + token);
                    heavyStatus.computeIfAbsent(a.status(), k -> new AtomicLong()).incrementAndGet();
                    heavyLatency.add(a.nanos());
                }
            }));
        }
        // Let the heavy clients get going before measuring.
        Thread.sleep(heavyClients > 0 ? 1_000 : 0);
        Map<String, java.util.function.Supplier<Answer>> ops = Map.of("login", HeavyLoad::login, "info", HeavyLoad::info,
                "order", HeavyLoad::order);
        List<Thread> light = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (var op : ops.entrySet()) {
            List<Long> l = Collections.synchronizedList(new ArrayList<>());
            latencies.put(op.getKey(), l);
            failures.put(op.getKey(), new AtomicLong());
            light.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    Answer a = op.getValue().get();
                    l.add(a.nanos());
                    if (a.status() != 200) {
                        failures.get(op.getKey()).incrementAndGet();
                    }
                }
            }));
        }
        long peakRss = 0;
        while (System.nanoTime() < end) {
            peakRss = Math.max(peakRss, rssKb(pid));
            Thread.sleep(200);
        }
        for (Thread t : light) {
            t.join();
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        peakRss = Math.max(peakRss, rssKb(pid));
        for (String op : List.of("login", "info", "order")) {
            List<Long> sorted = new ArrayList<>(latencies.get(op));
            Collections.sort(sorted);
            System.out.printf("HEAVY phase=%s op=%s n=%d failed=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", name, op,
                    sorted.size(), failures.get(op).get(), pct(sorted, 50), pct(sorted, 99), pct(sorted, 100));
        }
        if (heavyClients > 0) {
            List<Long> sorted = new ArrayList<>(heavyLatency);
            Collections.sort(sorted);
            System.out.printf("HEAVY phase=%s op=heavy n=%d statuses=%s p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", name,
                    sorted.size(), new TreeMap<>(heavyStatus), pct(sorted, 50), pct(sorted, 99), pct(sorted, 100));
        }
        System.out.printf("HEAVY phase=%s peak_rss_mb=%d live_heap_after_gc_mb=%d%n", name, peakRss / 1024,
                liveHeapMb(pid));
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        key = args[1];
        account = Long.parseLong(args[2]);
        long pid = Long.parseLong(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int n = Integer.parseInt(args[5]);
        Answer l = login();
        Matcher m = Pattern.compile("\"Token\":\"([^\"]+)\"").matcher(l.body());
        if (!m.find()) {
            throw new IllegalStateException("login failed: " + l.status() + " " + l.body());
        }
        token = m.group(1);
        Answer eq = send("GET", "/api/v1.0/equities?pageNumber=0&pageSize=1000&sortField=Id&desc=false", null,
                "Authorization", "Bearer " + token);
        List<String> symbols = new ArrayList<>();
        Matcher s = Pattern.compile("\"Symbol\":\"([^\"]+)\"").matcher(eq.body());
        while (s.find()) {
            symbols.add(s.group(1));
        }
        String unscoped = optionsPath(sixtyTerms());
        String scope = widestAdmittedScope(symbols);
        System.out.printf("HEAVY setup unscoped_filter_chars=%d widest_admitted_scope_underlyings=%d%n",
                sixtyTerms().length(), scope.isEmpty() ? 0 : scope.split(",").length);
        // Warm-up: the JIT, the pools, the option grids.
        phase("warmup", Math.max(3, seconds / 2), 0, null, pid);
        phase("baseline", seconds, 0, null, pid);
        phase("unscoped-x" + n, seconds, n, unscoped, pid);
        if (!scope.isEmpty()) {
            phase("largest-admitted-x" + n, seconds, n, optionsPath(scope + " and (" + sixtyTerms() + ")"), pid);
        }
        phase("baseline-again", seconds, 0, null, pid);
    }
}
