package dev.crater.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs a {@link Filter} over objects in memory, with the meaning {@link FilterSql} gives it in a
 * database: the same whitelisted fields, the same literal checks with the same
 * {@link FilterException} messages and positions, and the same comparisons.
 *
 * <ul>
 * <li>Text and enum values compare lower-cased ({@link Locale#ROOT}) on both sides, as the SQL's
 * {@code LOWER(column)} against a lower-cased parameter; ordering ({@code <}, {@code between}) is by
 * Unicode code point, which is SQLite's {@code BINARY} collation and PostgreSQL's {@code "C"}.
 * {@code contains} / {@code startsWith} / {@code endsWith} are plain substring tests on the
 * lower-cased text (the SQL escapes LIKE wildcards, so they are literal there too).</li>
 * <li>Decimals compare exactly with {@link BigDecimal#compareTo}; integers and epoch milliseconds as
 * {@code long}; booleans only with {@code =} / {@code !=}.</li>
 * <li>Nulls follow SQL's three-valued logic exactly: a comparison, {@code in}, {@code between} or
 * text operator on a null value is <em>unknown</em>; {@code not} unknown is unknown; {@code and}
 * is false if any part is false, else unknown if any is unknown; {@code or} is true if any part is
 * true, else unknown if any is unknown. A row matches only when the whole filter is true, so
 * {@code Exchange != 'XNAS'} and {@code not (Exchange = 'XNAS')} both leave out a null Exchange.
 * {@code = null} / {@code != null} are SQL's {@code IS NULL} / {@code IS NOT NULL}, never unknown.</li>
 * </ul>
 *
 * Every check of the filter against the fields happens in {@link #compile}; the predicate it returns
 * throws only if a getter returns a value of the wrong kind for its field (a bug of ours, reported
 * as {@link IllegalStateException}).
 */
public final class FilterEval {

    private FilterEval() {
    }

    /**
     * A field of {@code T} clients may filter and sort on.
     *
     * <p>What {@code getter} returns, by type (or null): {@link FilterSql.Type#INTEGER} any
     * {@link Number} (compared as {@code long}); {@code DECIMAL} a {@link BigDecimal} (or another
     * Number, converted exactly; a NaN or infinite double counts as null); {@code TEXT} a
     * {@link CharSequence}; {@code BOOLEAN} a {@link Boolean}; {@code DATETIME_MS} epoch milliseconds
     * as a Number, an {@link Instant} or a {@link Date}; {@code ENUM} an {@link Enum} constant (its
     * {@link Enum#name()}) or a String name, compared case-insensitively with the names in
     * {@code enumNames}.
     *
     * @param name      the wire name, matched case-insensitively
     * @param type      how it compares
     * @param getter    the value of an object, or null
     * @param enumNames for {@link FilterSql.Type#ENUM}: name by documented number
     */
    public record Field<T>(String name, FilterSql.Type type, Function<T, ?> getter, Map<Integer, String> enumNames) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(getter, "getter");
            enumNames = enumNames == null ? Map.of() : Map.copyOf(enumNames);
        }

        public Field(String name, FilterSql.Type type, Function<T, ?> getter) {
            this(name, type, getter, Map.of());
        }
    }

    /** SQL's three truth values. */
    private enum Tri {
        TRUE, FALSE, UNKNOWN;

        static Tri of(boolean b) {
            return b ? TRUE : FALSE;
        }

        Tri not() {
            return switch (this) {
                case TRUE -> FALSE;
                case FALSE -> TRUE;
                case UNKNOWN -> UNKNOWN;
            };
        }
    }

    @FunctionalInterface
    private interface Node<T> {
        Tri test(T t);
    }

    /**
     * Compiles {@code filter} over {@code fields} into a predicate that is true exactly for the
     * objects the same filter selects in SQL.
     *
     * @throws FilterException at the position of the first (leftmost) unknown field, misused operator
     *                         or literal that does not fit its field, with {@link FilterSql}'s message
     */
    public static <T> Predicate<T> compile(Filter filter, List<Field<T>> fields) {
        Objects.requireNonNull(filter, "filter");
        Node<T> node = new Compiler<>(byName(fields)).node(filter);
        return t -> node.test(t) == Tri.TRUE;
    }

    /**
     * A comparator by the field named {@code fieldName} (case-insensitive), ascending with nulls
     * first; {@link Comparator#reversed()} gives descending with nulls last. Text and enum names
     * compare as in filters: lower-cased, by code point; booleans false before true.
     *
     * @throws FilterException at position 0 if there is no such field
     */
    public static <T> Comparator<T> comparator(String fieldName, List<Field<T>> fields) {
        Map<String, Field<T>> byName = byName(fields);
        Field<T> f = fieldName == null ? null : byName.get(fieldName.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new FilterException("'" + fieldName + "' cannot be sorted on; fields: " + names(byName), 0);
        }
        Function<T, ?> getter = f.getter();
        Comparator<Object> values = Comparator.nullsFirst(FilterEval::compareKeys);
        return (a, b) -> values.compare(key(f, getter.apply(a)), key(f, getter.apply(b)));
    }

    /**
     * The values field {@code fieldName} must equal for {@code filter} to be true, when the filter
     * says so at its top level: {@code Field = v}, {@code Field in (v1, …)}, or an {@code and} with
     * such parts (several such parts give the values common to all). Empty when the filter does not
     * pin the field down that way, including any such comparison under {@code or} or {@code not}
     * and {@code Field = null}. An empty set means no object can match.
     *
     * <p>Values are as compared: TEXT lower-cased ({@link Locale#ROOT}); INTEGER and DATETIME_MS
     * {@link Long} (epoch milliseconds); DECIMAL {@link BigDecimal} with trailing zeros stripped;
     * BOOLEAN {@link Boolean}; ENUM the name as spelt in {@code enumNames} (e.g. {@code "Filled"} for
     * {@code 'filled'} or {@code 2}). A hint only narrows candidates: callers still run the predicate.
     *
     * @throws IllegalArgumentException if {@code fieldName} is not one of {@code fields}
     * @throws FilterException          if a literal pinning the field does not fit it (as {@link #compile})
     */
    public static Optional<Set<Object>> equalityHint(Filter filter, String fieldName, List<? extends Field<?>> fields) {
        Objects.requireNonNull(filter, "filter");
        Field<?> field = null;
        for (Field<?> f : fields) {
            if (f.name().equalsIgnoreCase(fieldName)) {
                field = f; // The last of duplicate names wins, as in compile.
            }
        }
        if (field == null) {
            throw new IllegalArgumentException("no field " + fieldName);
        }
        Set<Object> hint = hint(filter, field);
        return hint == null ? Optional.empty() : Optional.of(Set.copyOf(hint));
    }

    /** The hint of one node, or null for none. */
    private static Set<Object> hint(Filter filter, Field<?> f) {
        return switch (filter) {
            case Filter.Compare c when c.op() == Filter.Op.EQ && c.field().equalsIgnoreCase(f.name())
                    && !(c.value() instanceof Filter.Literal.Null) -> {
                Set<Object> s = new HashSet<>();
                s.add(hintValue(f, c.value()));
                yield s;
            }
            case Filter.In in when in.field().equalsIgnoreCase(f.name()) -> {
                Set<Object> s = new HashSet<>();
                for (Filter.Literal v : in.values()) {
                    if (v instanceof Filter.Literal.Null) {
                        throw new FilterException("null cannot be in an 'in' list", v.position());
                    }
                    s.add(hintValue(f, v));
                }
                yield s;
            }
            case Filter.And a -> {
                Set<Object> s = null;
                for (Filter p : a.parts()) {
                    Set<Object> h = hint(p, f);
                    if (h != null) {
                        if (s == null) {
                            s = h;
                        } else {
                            s.retainAll(h);
                        }
                    }
                }
                yield s;
            }
            default -> null;
        };
    }

    private static Object hintValue(Field<?> f, Filter.Literal v) {
        Object key = literal(f, v);
        return switch (f.type()) {
            case DECIMAL -> ((BigDecimal) key).stripTrailingZeros();
            case ENUM -> f.enumNames().values().stream().filter(n -> n.equalsIgnoreCase((String) key)).findFirst()
                    .orElseThrow();
            default -> key;
        };
    }

    private static <T> Map<String, Field<T>> byName(List<Field<T>> fields) {
        Map<String, Field<T>> byName = new LinkedHashMap<>();
        for (Field<T> f : fields) {
            byName.put(f.name().toLowerCase(Locale.ROOT), f);
        }
        return byName;
    }

    private static String names(Map<String, ? extends Field<?>> byName) {
        return String.join(", ", byName.values().stream().map(Field::name).toList());
    }

    /** Compiles nodes; the checks and their order follow {@code FilterSql} step by step. */
    private static final class Compiler<T> {
        private final Map<String, Field<T>> fields;

        Compiler(Map<String, Field<T>> fields) {
            this.fields = fields;
        }

        Node<T> node(Filter f) {
            return switch (f) {
                case Filter.And a -> and(parts(a.parts()));
                case Filter.Or o -> or(parts(o.parts()));
                case Filter.Not n -> {
                    Node<T> inner = node(n.inner());
                    yield t -> inner.test(t).not();
                }
                case Filter.Compare c -> compare(c);
                case Filter.In in -> in(in);
                case Filter.Between b -> between(b);
            };
        }

        private List<Node<T>> parts(List<Filter> parts) {
            List<Node<T>> nodes = new ArrayList<>();
            for (Filter p : parts) {
                nodes.add(node(p));
            }
            return nodes;
        }

        private static <T> Node<T> and(List<Node<T>> parts) {
            return t -> {
                Tri result = Tri.TRUE;
                for (Node<T> p : parts) {
                    Tri r = p.test(t);
                    if (r == Tri.FALSE) {
                        return Tri.FALSE;
                    }
                    if (r == Tri.UNKNOWN) {
                        result = Tri.UNKNOWN;
                    }
                }
                return result;
            };
        }

        private static <T> Node<T> or(List<Node<T>> parts) {
            return t -> {
                Tri result = Tri.FALSE;
                for (Node<T> p : parts) {
                    Tri r = p.test(t);
                    if (r == Tri.TRUE) {
                        return Tri.TRUE;
                    }
                    if (r == Tri.UNKNOWN) {
                        result = Tri.UNKNOWN;
                    }
                }
                return result;
            };
        }

        private Field<T> field(String name, int position) {
            Field<T> f = fields.get(name.toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new FilterException("'" + name + "' cannot be filtered on; fields: " + names(fields), position);
            }
            return f;
        }

        private Node<T> compare(Filter.Compare c) {
            Field<T> f = field(c.field(), c.position());
            Function<T, ?> getter = f.getter();
            if (c.value() instanceof Filter.Literal.Null) {
                return switch (c.op()) {
                    case EQ -> t -> Tri.of(key(f, getter.apply(t)) == null);
                    case NE -> t -> Tri.of(key(f, getter.apply(t)) != null);
                    default -> throw new FilterException("null can only be compared with = or !=",
                            c.value().position());
                };
            }
            if (c.op().isText()) {
                if (f.type() != FilterSql.Type.TEXT) {
                    throw new FilterException("'" + c.op().text + "' needs a text field; " + f.name() + " is "
                            + f.type().name().toLowerCase(Locale.ROOT), c.position());
                }
                String text = (String) literal(f, c.value());
                Filter.Op op = c.op();
                return t -> {
                    String v = (String) key(f, getter.apply(t));
                    if (v == null) {
                        return Tri.UNKNOWN;
                    }
                    return Tri.of(switch (op) {
                        case CONTAINS -> v.contains(text);
                        case STARTS_WITH -> v.startsWith(text);
                        default -> v.endsWith(text);
                    });
                };
            }
            if (f.type() == FilterSql.Type.BOOLEAN && c.op() != Filter.Op.EQ && c.op() != Filter.Op.NE) {
                throw new FilterException(f.name() + " is true or false: use = or !=", c.position());
            }
            Object literal = literal(f, c.value());
            Filter.Op op = c.op();
            return t -> {
                Object v = key(f, getter.apply(t));
                if (v == null) {
                    return Tri.UNKNOWN;
                }
                int cmp = compareKeys(v, literal);
                return Tri.of(switch (op) {
                    case EQ -> cmp == 0;
                    case NE -> cmp != 0;
                    case LT -> cmp < 0;
                    case GT -> cmp > 0;
                    case LE -> cmp <= 0;
                    case GE -> cmp >= 0;
                    default -> throw new IllegalStateException("text operators handled above: " + op);
                });
            };
        }

        private Node<T> in(Filter.In in) {
            Field<T> f = field(in.field(), in.position());
            Set<Object> values = new HashSet<>();
            for (Filter.Literal v : in.values()) {
                if (v instanceof Filter.Literal.Null) {
                    throw new FilterException("null cannot be in an 'in' list", v.position());
                }
                values.add(normal(literal(f, v)));
            }
            Function<T, ?> getter = f.getter();
            return t -> {
                Object v = key(f, getter.apply(t));
                return v == null ? Tri.UNKNOWN : Tri.of(values.contains(normal(v)));
            };
        }

        private Node<T> between(Filter.Between b) {
            Field<T> f = field(b.field(), b.position());
            if (f.type() == FilterSql.Type.BOOLEAN || f.type() == FilterSql.Type.ENUM) {
                throw new FilterException("'between' needs a number, text or date field; " + f.name() + " is "
                        + f.type().name().toLowerCase(Locale.ROOT), b.position());
            }
            Object low = literal(f, b.low());
            Object high = literal(f, b.high());
            Function<T, ?> getter = f.getter();
            return t -> {
                Object v = key(f, getter.apply(t));
                if (v == null) {
                    return Tri.UNKNOWN;
                }
                return Tri.of(compareKeys(low, v) <= 0 && compareKeys(v, high) <= 0);
            };
        }
    }

    /** Literal {@code v} as compared with field {@code f} (checked exactly as {@code FilterSql} does). */
    private static Object literal(Field<?> f, Filter.Literal v) {
        return FilterSql.literal(f.name(), f.type(), f.enumNames(), v);
    }

    private static Object key(Field<?> f, Object value) {
        if (value == null) {
            return null;
        }
        return switch (f.type()) {
            case INTEGER -> {
                if (value instanceof Number n) {
                    yield n.longValue();
                }
                throw wrongValue(f, value);
            }
            case DECIMAL -> decimal(f, value);
            case TEXT -> {
                if (value instanceof CharSequence s) {
                    yield s.toString().toLowerCase(Locale.ROOT);
                }
                throw wrongValue(f, value);
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                throw wrongValue(f, value);
            }
            case DATETIME_MS -> {
                Instant instant;
                if (value instanceof Number n) {
                    yield n.longValue();
                } else if (value instanceof Instant i) {
                    instant = i;
                } else if (value instanceof Date d) {
                    yield d.getTime();
                } else {
                    throw wrongValue(f, value);
                }
                try {
                    yield instant.toEpochMilli();
                } catch (ArithmeticException e) {
                    yield instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
                }
            }
            case ENUM -> {
                if (value instanceof Enum<?> e) {
                    yield e.name().toLowerCase(Locale.ROOT);
                }
                if (value instanceof CharSequence s) {
                    yield s.toString().toLowerCase(Locale.ROOT);
                }
                throw wrongValue(f, value);
            }
        };
    }

    private static BigDecimal decimal(Field<?> f, Object value) {
        return switch (value) {
            case BigDecimal d -> d;
            case BigInteger i -> new BigDecimal(i);
            case Long l -> BigDecimal.valueOf(l);
            case Integer i -> BigDecimal.valueOf(i);
            case Short s -> BigDecimal.valueOf(s);
            case Byte b -> BigDecimal.valueOf(b);
            // Not finite: no SQL NUMERIC holds it, so it compares as null (SQLite stores NaN as NULL).
            case Double d -> Double.isFinite(d) ? new BigDecimal(d.toString()) : null;
            case Float x -> Float.isFinite(x) ? new BigDecimal(x.toString()) : null;
            default -> throw wrongValue(f, value);
        };
    }

    private static IllegalStateException wrongValue(Field<?> f, Object value) {
        return new IllegalStateException("field " + f.name() + " (" + f.type() + ") got a "
                + value.getClass().getName() + ": " + value);
    }

    /** Compares two non-null keys of the same kind. */
    @SuppressWarnings("unchecked")
    private static int compareKeys(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        return ((Comparable<Object>) a).compareTo(b);
    }

    /** Unicode code point order (UTF-8 byte order), unlike {@link String#compareTo}'s UTF-16 units. */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** A key for hashing: decimals equal by compareTo hash alike. */
    private static Object normal(Object key) {
        return key instanceof BigDecimal d ? d.stripTrailingZeros() : key;
    }
}
