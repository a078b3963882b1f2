package dev.crater.registration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.users.User;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registration fields Crater can store (reference 02-users.md §1.1: units of fields), and a
 * company's choice of which optional ones its schema shows. Login, Email, Password, FirstName and
 * LastName are always required; the others are {@code required}, {@code optional} or {@code off}
 * per company, defaulting to the documented example (MiddleName and Suffix optional, the rest off).
 */
public final class RegistrationSchema {

    /** Whether a field appears in the schema, and whether it must be given. */
    public enum State {
        REQUIRED, OPTIONAL, OFF;

        public static State parse(String text) {
            for (State s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("a field is required, optional or off, not '" + text + "'");
        }
    }

    /** One field Crater can store: its unit, name, whether it is always required, its default, its options. */
    public record Def(String unit, String name, boolean fixed, State byDefault, List<String> options) {
        public String key() {
            return unit + "." + name;
        }
    }

    public static final List<Def> CATALOGUE = List.of(
            new Def("Credentials", "Login", true, State.REQUIRED, null),
            new Def("Credentials", "Email", true, State.REQUIRED, null),
            new Def("Credentials", "Password", true, State.REQUIRED, null),
            new Def("Credentials", "PinCode", false, State.OFF, null),
            new Def("Name", "FirstName", true, State.REQUIRED, null),
            new Def("Name", "LastName", true, State.REQUIRED, null),
            new Def("Name", "MiddleName", false, State.OPTIONAL, null),
            new Def("Name", "Suffix", false, State.OPTIONAL, names(User.Suffix.values())),
            new Def("Name", "Salutation", false, State.OFF, names(User.Salutation.values())),
            new Def("Address", "StreetAddress1", false, State.OFF, null),
            new Def("Address", "StreetAddress2", false, State.OFF, null),
            new Def("Address", "City", false, State.OFF, null),
            new Def("Address", "PostalCode", false, State.OFF, null));

    /** Longest stored settings text (the column's size). */
    public static final int SETTINGS_CHARS_MAX = 2000;

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    /** The documented field object: {@code FieldName}, {@code Required}, and {@code Options} when it has some. */
    @JsonPropertyOrder({"FieldName", "Required", "Options"})
    public record Field(String fieldName, boolean required,
                        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> options) {
    }

    /** The documented unit: {@code UnitName} and its {@code Fields}. */
    @JsonPropertyOrder({"UnitName", "Fields"})
    public record Unit(String unitName, List<Field> fields) {
    }

    private final Map<String, State> states;

    private RegistrationSchema(Map<String, State> states) {
        this.states = states;
    }

    public static final RegistrationSchema DEFAULT = parse("");

    /** The schema a settings text describes ({@code Unit.Field=state,…}; unnamed fields keep their default). */
    public static RegistrationSchema parse(String settings) {
        Map<String, State> states = new LinkedHashMap<>();
        for (Def d : CATALOGUE) {
            states.put(d.key(), d.byDefault());
        }
        if (settings != null && !settings.isBlank()) {
            for (String pair : settings.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("a field setting is Unit.Field=required|optional|off, not '"
                            + pair.trim() + "'");
                }
                Def d = def(pair.substring(0, eq).trim());
                State s = State.parse(pair.substring(eq + 1));
                if (d.fixed() && s != State.REQUIRED) {
                    throw new IllegalArgumentException(d.key() + " is always required");
                }
                states.put(d.key(), s);
            }
        }
        return new RegistrationSchema(states);
    }

    /** The catalogue's field of this key ({@code Unit.Field}, any case). */
    static Def def(String key) {
        for (Def d : CATALOGUE) {
            if (d.key().equalsIgnoreCase(key)) {
                return d;
            }
        }
        List<String> known = CATALOGUE.stream().map(Def::key).toList();
        throw new IllegalArgumentException("no registration field '" + key + "'; the fields are " + String.join(", ", known));
    }

    /** This schema with {@code key} set to {@code state}. */
    public RegistrationSchema with(String key, State state) {
        Def d = def(key);
        if (d.fixed() && state != State.REQUIRED) {
            throw new IllegalArgumentException(d.key() + " is always required");
        }
        Map<String, State> next = new LinkedHashMap<>(states);
        next.put(d.key(), state);
        return new RegistrationSchema(next);
    }

    public State state(String key) {
        return states.get(def(key).key());
    }

    /** The settings text of the fields that differ from their default (what the store keeps). */
    public String settings() {
        List<String> out = new ArrayList<>();
        for (Def d : CATALOGUE) {
            if (states.get(d.key()) != d.byDefault()) {
                out.add(d.key() + "=" + states.get(d.key()).name().toLowerCase(Locale.ROOT));
            }
        }
        return String.join(",", out);
    }

    /** The documented answer of {@code GET /registration/schema}: the units with a shown field, in catalogue order. */
    public List<Unit> units() {
        Map<String, List<Field>> units = new LinkedHashMap<>();
        for (Def d : CATALOGUE) {
            State s = states.get(d.key());
            if (s != State.OFF) {
                units.computeIfAbsent(d.unit(), u -> new ArrayList<>())
                        .add(new Field(d.name(), s == State.REQUIRED, d.options()));
            }
        }
        List<Unit> out = new ArrayList<>();
        units.forEach((name, fields) -> out.add(new Unit(name, List.copyOf(fields))));
        return out;
    }
}
