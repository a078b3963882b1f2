package dev.crater.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a {@link Filter} into a SQL condition over a resource's whitelisted fields. Values are
 * always bound parameters ({@code :f0}, {@code :f1}, …), never spliced into the text; field names
 * map to fixed column expressions. Type mismatches are {@link FilterException}s at the value.
 */
public final class FilterSql {

    /** How a field is stored, which decides the values it accepts. */
    public enum Type {
        INTEGER, DECIMAL, TEXT, BOOLEAN,
        /** Epoch milliseconds; compared with {@code #date-time#} literals. */
        DATETIME_MS,
        /** Stored as its name; accepts names (any case) and the documented numbers. */
        ENUM
    }

    /**
     * A field clients may filter on.
     *
     * @param name      the wire name, matched case-insensitively
     * @param column    the SQL column expression (a fixed string of ours, never client text)
     * @param type      how it is stored
     * @param enumNames for {@link Type#ENUM}: stored name by documented number
     */
    public record Field(String name, String column, Type type, Map<Integer, String> enumNames) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(type, "type");
            enumNames = enumNames == null ? Map.of() : Map.copyOf(enumNames);
        }

        public Field(String name, String column, Type type) {
            this(name, column, type, Map.of());
        }
    }

    /** A condition and its parameters. */
    public record Sql(String where, Map<String, Object> params) {
    }

    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final Database.Dialect dialect;
    private final Map<String, Object> params = new LinkedHashMap<>();

    private FilterSql(List<Field> fields, Database.Dialect dialect) {
        for (Field f : fields) {
            this.fields.put(f.name().toLowerCase(Locale.ROOT), f);
        }
        this.dialect = dialect;
    }

    /** Compiles {@code filter} over {@code fields} for the given database. */
    public static Sql compile(Filter filter, List<Field> fields, Database.Dialect dialect) {
        FilterSql c = new FilterSql(fields, dialect);
        String where = c.node(filter);
        return new Sql(where, Map.copyOf(c.params));
    }

    private String node(Filter f) {
        return switch (f) {
            case Filter.And a -> join(a.parts(), " AND ");
            case Filter.Or o -> join(o.parts(), " OR ");
            case Filter.Not n -> "NOT (" + node(n.inner()) + ")";
            case Filter.Compare c -> compare(c);
            case Filter.In in -> in(in);
            case Filter.Between b -> between(b);
        };
    }

    private String join(List<Filter> parts, String op) {
        List<String> sql = new ArrayList<>();
        for (Filter p : parts) {
            sql.add("(" + node(p) + ")");
        }
        return String.join(op, sql);
    }

    private Field field(String name, int position) {
        Field f = fields.get(name.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new FilterException("'" + name + "' cannot be filtered on; fields: "
                    + String.join(", ", fields.values().stream().map(Field::name).toList()), position);
        }
        return f;
    }

    /** The column as compared: SQLite keeps exact decimals as text, so they are cast for comparison. */
    private String column(Field f) {
        if (f.type() == Type.DECIMAL && dialect == Database.Dialect.SQLITE) {
            return "CAST(" + f.column() + " AS NUMERIC)";
        }
        if (f.type() == Type.TEXT || f.type() == Type.ENUM) {
            return "LOWER(" + f.column() + ")";
        }
        return f.column();
    }

    private String bind(Object value) {
        String name = "f" + params.size();
        params.put(name, value);
        return ":" + name;
    }

    private String compare(Filter.Compare c) {
        Field f = field(c.field(), c.position());
        if (c.value() instanceof Filter.Literal.Null) {
            return switch (c.op()) {
                case EQ -> f.column() + " IS NULL";
                case NE -> f.column() + " IS NOT NULL";
                default -> throw new FilterException("null can only be compared with = or !=", c.value().position());
            };
        }
        if (c.op().isText()) {
            if (f.type() != Type.TEXT) {
                throw new FilterException("'" + c.op().text + "' needs a text field; " + f.name() + " is "
                        + f.type().name().toLowerCase(Locale.ROOT), c.position());
            }
            // '!' escapes LIKE wildcards: a backslash would be read as an escape by JDBI's SQL lexer.
            String text = ((String) value(f, c.value())).replace("!", "!!").replace("%", "!%").replace("_", "!_");
            String pattern = switch (c.op()) {
                case CONTAINS -> "%" + text + "%";
                case STARTS_WITH -> text + "%";
                default -> "%" + text;
            };
            return column(f) + " LIKE " + bind(pattern) + " ESCAPE '!'";
        }
        if ((f.type() == Type.BOOLEAN) && c.op() != Filter.Op.EQ && c.op() != Filter.Op.NE) {
            throw new FilterException(f.name() + " is true or false: use = or !=", c.position());
        }
        String op = switch (c.op()) {
            case EQ -> "=";
            case NE -> "<>";
            case LT -> "<";
            case GT -> ">";
            case LE -> "<=";
            case GE -> ">=";
            default -> throw new IllegalStateException("text operators handled above: " + c.op());
        };
        return column(f) + " " + op + " " + bind(value(f, c.value()));
    }

    private String in(Filter.In in) {
        Field f = field(in.field(), in.position());
        List<String> binds = new ArrayList<>();
        for (Filter.Literal v : in.values()) {
            if (v instanceof Filter.Literal.Null) {
                throw new FilterException("null cannot be in an 'in' list", v.position());
            }
            binds.add(bind(value(f, v)));
        }
        return column(f) + " IN (" + String.join(", ", binds) + ")";
    }

    private String between(Filter.Between b) {
        Field f = field(b.field(), b.position());
        if (f.type() == Type.BOOLEAN || f.type() == Type.ENUM) {
            throw new FilterException("'between' needs a number, text or date field; " + f.name() + " is "
                    + f.type().name().toLowerCase(Locale.ROOT), b.position());
        }
        return column(f) + " BETWEEN " + bind(value(f, b.low())) + " AND " + bind(value(f, b.high()));
    }

    /** The bound value for literal {@code v} compared with field {@code f}. */
    private Object value(Field f, Filter.Literal v) {
        Object value = literal(f.name(), f.type(), f.enumNames(), v);
        // SQLite keeps decimals as text and compares them CAST to NUMERIC (a double).
        return f.type() == Type.DECIMAL && dialect == Database.Dialect.SQLITE
                ? (Object) ((java.math.BigDecimal) value).doubleValue() : value;
    }

    /**
     * Literal {@code v} as compared with a field of {@code type}: Long (INTEGER, DATETIME_MS),
     * BigDecimal (DECIMAL), lower-cased String (TEXT, ENUM) or Boolean. The one place both back ends
     * ({@link FilterEval} too) check literals, so they accept and refuse the same filters alike.
     */
    static Object literal(String field, Type type, java.util.Map<Integer, String> enumNames, Filter.Literal v) {
        return switch (type) {
            case INTEGER -> {
                if (v instanceof Filter.Literal.Number n) {
                    try {
                        yield n.value().longValueExact();
                    } catch (ArithmeticException e) {
                        throw new FilterException(field + " takes whole numbers", v.position());
                    }
                }
                throw mismatch(field, v, "a whole number");
            }
            case DECIMAL -> {
                if (v instanceof Filter.Literal.Number n) {
                    yield n.value();
                }
                throw mismatch(field, v, "a number");
            }
            case TEXT -> {
                if (v instanceof Filter.Literal.Text t) {
                    yield t.value().toLowerCase(Locale.ROOT);
                }
                throw mismatch(field, v, "a text value in single quotes");
            }
            case BOOLEAN -> {
                if (v instanceof Filter.Literal.Bool b) {
                    yield b.value();
                }
                throw mismatch(field, v, "true or false");
            }
            case DATETIME_MS -> {
                if (v instanceof Filter.Literal.DateTime d) {
                    try {
                        yield d.value().toEpochMilli();
                    } catch (ArithmeticException e) {
                        throw new FilterException(field + " takes a date-time between years -292275055 and "
                                + "292278994", v.position());
                    }
                }
                throw mismatch(field, v, "a date-time in #…# (e.g. #2019-08-09T18:31:42#)");
            }
            case ENUM -> enumName(field, enumNames, v);
        };
    }

    /**
     * The lower-cased stored name an enum literal means: a documented number or a name in any case.
     * Shared with {@link FilterEval} so both give the same answers and messages.
     */
    static String enumName(String field, java.util.Map<Integer, String> enumNames, Filter.Literal v) {
        if (v instanceof Filter.Literal.Number n) {
            String name = null;
            try {
                name = enumNames.get(n.value().intValueExact());
            } catch (ArithmeticException e) {
                // Falls through to the error below.
            }
            if (name == null) {
                throw new FilterException(n.value() + " is not a value of " + field, v.position());
            }
            return name.toLowerCase(Locale.ROOT);
        }
        if (v instanceof Filter.Literal.Text t) {
            for (String name : enumNames.values()) {
                if (name.equalsIgnoreCase(t.value())) {
                    return name.toLowerCase(Locale.ROOT);
                }
            }
            throw new FilterException("'" + t.value() + "' is not a value of " + field + " ("
                    + String.join(", ", enumNames.values()) + ")", v.position());
        }
        throw new FilterException(field + " takes one of its names or numbers", v.position());
    }

    private static FilterException mismatch(String field, Filter.Literal v, String wanted) {
        return new FilterException(field + " takes " + wanted, v.position());
    }
}
