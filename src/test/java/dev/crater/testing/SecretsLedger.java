package dev.crater.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.regex.Pattern;

/**
 * Every secret the test suite handled over HTTP, so that {@code SecretsScanTest} can look for them
 * in the logs and the database files after the whole suite. Fed by {@link Http#send} (request
 * headers and JSON bodies, JSON responses) and by {@link TestServer} (its data directory). It also
 * copies java.util.logging output (Helidon's) to {@link #JUL_LOG}, since logback does not see it.
 * Static and thread-safe; it only grows during a JVM.
 *
 * <p>Values shorter than {@link #LENGTH_MIN} characters, and values made of one repeated
 * character, are not recorded: they would turn up by chance.
 */
public final class SecretsLedger {
    /** Shorter values are not recorded. */
    public static final int LENGTH_MIN = 4;
    /** When this JVM started: directories changed after it belong to this run. */
    public static final long JVM_START_MS = ManagementFactory.getRuntimeMXBean().getStartTime();

    /** How a secret is searched for. */
    public enum Kind {
        /**
         * Passwords, bearer and interim tokens, authenticator secrets: must never appear anywhere —
         * not in any log line, not in any table, not in the raw bytes of the database files (even
         * in the development outbox).
         */
        STRICT,
        /**
         * Numeric codes, PINs, recovery codes: searched as whole words in the logs (outside
         * "DEV OUTBOX" lines) and in the table dumps outside {@code dev_outbox}, where development
         * mode puts e-mailed codes by design.
         */
        CODE
    }

    /** One recorded secret and where it was first seen. */
    public record Secret(String value, Kind kind, String source) {
        /** For failure messages: first 2 characters and the length, never the whole value. */
        public String masked() {
            return mask(value);
        }
    }

    public static String mask(String value) {
        return value.substring(0, Math.min(2, value.length())) + "…(" + value.length() + " chars)";
    }

    private static final Pattern RECOVERY_CODE = Pattern.compile("[A-Za-z2-7]{4}(-?[A-Za-z2-7]{4}){3}");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{20,}");
    /** Request headers that carry secrets. */
    private static final List<String> SECRET_HEADERS = List.of("Password", "PinCode", "VerificationCode",
            "Authorization", "Token", "X-Crater-Operator-Key");
    /** Request body fields that carry secrets (matched without regard to case, like the server does). */
    private static final Set<String> SECRET_BODY_FIELDS = Set.of("password", "oldpassword", "passwordconfirm",
            "passwordconfirmation", "pin", "oldpin", "code", "verificationcode", "token");
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();
    /** Response bodies larger than this are not parsed (the security-image list, for one). */
    private static final int RESPONSE_CHARS_MAX = 256 * 1024;

    private static final Map<String, Secret> SECRETS = new ConcurrentHashMap<>();
    private static final Set<Path> DATA_DIRS = ConcurrentHashMap.newKeySet();
    /**
     * Where java.util.logging records go from the first use of the ledger on (Helidon logs through
     * it, not through logback): the scan reads this file beside the logback one.
     */
    public static final Path JUL_LOG = Paths.get("target", "test-logs", "crater-tests-jul.log");

    static {
        captureJavaUtilLogging();
    }

    private SecretsLedger() {
    }

    // ---- recording --------------------------------------------------------------------------

    /**
     * Records one secret value (ignored when too short, blank or one repeated character). Digits
     * only and recovery-code shapes are {@link Kind#CODE}; everything else {@link Kind#STRICT}.
     */
    public static void record(String value, String source) {
        record(value, source, false);
    }

    /** As {@link #record(String, String)}; {@code pin} makes it a {@link Kind#CODE} whatever its shape. */
    static void record(String value, String source, boolean pin) {
        if (value == null) {
            return;
        }
        String v = value.trim();
        if (v.length() < LENGTH_MIN || v.chars().distinct().count() == 1) {
            return;
        }
        Kind kind = pin || DIGITS.matcher(v).matches() || RECOVERY_CODE.matcher(v).matches() ? Kind.CODE : Kind.STRICT;
        SECRETS.putIfAbsent(v, new Secret(v, kind, source));
    }

    /** Records the secret-bearing headers of a request, given as name, value pairs. */
    public static void recordRequestHeaders(String... headerPairs) {
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            String name = headerPairs[i];
            String value = headerPairs[i + 1];
            if (name == null || value == null) {
                continue;
            }
            for (String secretHeader : SECRET_HEADERS) {
                if (secretHeader.equalsIgnoreCase(name.trim())) {
                    String v = value.trim();
                    if (secretHeader.equals("Authorization") && v.regionMatches(true, 0, "Bearer", 0, 6)
                            && (v.length() == 6 || Character.isWhitespace(v.charAt(6)))) {
                        v = v.substring(6); // the scheme is not the secret; a bare "Bearer" holds none
                    }
                    record(v, "request header " + secretHeader, secretHeader.equals("PinCode"));
                }
            }
        }
    }

    /** Records the secret fields of a JSON request body; anything that does not parse is ignored. */
    public static void recordRequestBody(String body) {
        JsonNode node = parse(body, Integer.MAX_VALUE);
        if (node == null || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (SECRET_BODY_FIELDS.contains(e.getKey().toLowerCase(Locale.ROOT)) && e.getValue().isValueNode()
                    && !e.getValue().isNull()) {
                String key = e.getKey().toLowerCase(Locale.ROOT);
                record(e.getValue().asText(), "request body " + e.getKey(), key.equals("pin") || key.equals("oldpin"));
            }
        }
    }

    /**
     * Records the secrets of a JSON response: a top-level string Token or Secret, every string of
     * RecoveryCodes, and a token-shaped string Model (the password-reset token of step 3).
     */
    public static void recordResponseBody(String body) {
        JsonNode node = parse(body, RESPONSE_CHARS_MAX);
        if (node == null || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if ((key.equalsIgnoreCase("Token") || key.equalsIgnoreCase("Secret")) && v.isTextual()) {
                record(v.asText(), "response " + key);
            } else if (key.equalsIgnoreCase("RecoveryCodes") && v.isArray()) {
                v.forEach(c -> {
                    if (c.isTextual()) {
                        record(c.asText(), "response RecoveryCodes");
                    }
                });
            } else if (key.equalsIgnoreCase("Model") && v.isTextual() && TOKEN_SHAPE.matcher(v.asText()).matches()) {
                record(v.asText(), "response Model");
            }
        }
    }

    private static JsonNode parse(String text, int charsMax) {
        if (text == null || text.isBlank() || text.length() > charsMax) {
            return null;
        }
        String t = text.stripLeading();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            return LENIENT.readTree(t);
        } catch (Exception e) {
            return null;
        }
    }

    /** Registers a directory whose files (SQLite database, WAL, master key) the scan reads. */
    public static void registerDataDir(Path dir) {
        DATA_DIRS.add(dir.toAbsolutePath().normalize());
    }

    private static void captureJavaUtilLogging() {
        try {
            Files.createDirectories(JUL_LOG.getParent());
            StreamHandler handler = new StreamHandler(Files.newOutputStream(JUL_LOG), new SimpleFormatter()) {
                @Override
                public synchronized void publish(LogRecord record) {
                    super.publish(record);
                    flush();
                }
            };
            handler.setEncoding(StandardCharsets.UTF_8.name());
            handler.setLevel(Level.ALL);
            java.util.logging.Logger.getLogger("").addHandler(handler);
        } catch (IOException e) {
            System.err.println("SecretsLedger: cannot write " + JUL_LOG + ": " + e);
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    public static Collection<Secret> secrets() {
        return List.copyOf(SECRETS.values());
    }

    public static boolean contains(String value) {
        return SECRETS.containsKey(value);
    }

    public static int size() {
        return SECRETS.size();
    }

    public static List<Path> dataDirs() {
        return new ArrayList<>(new LinkedHashSet<>(DATA_DIRS));
    }
}
