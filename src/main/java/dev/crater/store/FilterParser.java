package dev.crater.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the documented {@code filter} language into a {@link Filter}:
 *
 * <pre>
 * expr       := or
 * or         := and ("or" and)*
 * and        := unary ("and" unary)*
 * unary      := "not" unary | "(" expr ")" | comparison
 * comparison := FIELD ( ("=" | "!=" | "&lt;&gt;" | "&lt;" | "&gt;" | "&lt;=" | "&gt;=") literal
 *                     | ("contains" | "startsWith" | "endsWith") literal
 *                     | "in" "(" literal ("," literal)* ")"
 *                     | "between" literal "and" literal )
 * literal    := NUMBER | 'text' ('' escapes a quote) | true | false | null | #date-time#
 * </pre>
 *
 * Keywords are case-insensitive. Every limit below is checked, and every error names the position.
 */
public final class FilterParser {
    /** Longest filter text accepted, in characters. */
    public static final int TEXT_CHARS_MAX = 2_000;
    /** Deepest nesting of parentheses and {@code not}. */
    public static final int DEPTH_MAX = 16;
    /** Comparisons in one filter. */
    public static final int TERMS_MAX = 64;
    /** Values in one {@code in (…)} list. */
    public static final int IN_VALUES_MAX = 500;

    private enum Kind { WORD, NUMBER, TEXT, DATE, SYMBOL, END }

    private record Token(Kind kind, String text, int position) {
        boolean is(String word) {
            return (kind == Kind.WORD || kind == Kind.SYMBOL) && text.equalsIgnoreCase(word);
        }
    }

    private final List<Token> tokens;
    private int next;
    private int depth;
    private int terms;

    private FilterParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /**
     * Parses {@code text}.
     *
     * @throws FilterException naming the 0-based position of the first problem
     */
    public static Filter parse(String text) {
        if (text == null || text.isBlank()) {
            throw new FilterException("the filter is empty", 0);
        }
        if (text.length() > TEXT_CHARS_MAX) {
            throw new FilterException("the filter is longer than " + TEXT_CHARS_MAX + " characters", TEXT_CHARS_MAX);
        }
        FilterParser p = new FilterParser(tokenize(text));
        Filter f = p.or();
        Token end = p.peek();
        if (end.kind() != Kind.END) {
            throw new FilterException("unexpected '" + end.text() + "'", end.position());
        }
        return f;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        return tokens.get(next++);
    }

    private Token expect(String word, String what) {
        Token t = take();
        if (!t.is(word)) {
            throw new FilterException("expected " + what + " but found " + describe(t), t.position());
        }
        return t;
    }

    private static String describe(Token t) {
        return t.kind() == Kind.END ? "the end of the filter" : "'" + t.text() + "'";
    }

    private Filter or() {
        int at = peek().position();
        List<Filter> parts = new ArrayList<>();
        parts.add(and());
        while (peek().is("or")) {
            take();
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.Or(List.copyOf(parts), at);
    }

    private Filter and() {
        int at = peek().position();
        List<Filter> parts = new ArrayList<>();
        parts.add(unary());
        while (peek().is("and")) {
            take();
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.And(List.copyOf(parts), at);
    }

    private Filter unary() {
        Token t = peek();
        if (t.is("not") || t.is("(")) {
            if (++depth > DEPTH_MAX) {
                throw new FilterException("nested deeper than " + DEPTH_MAX + " levels", t.position());
            }
            take();
            Filter inner;
            if (t.is("not")) {
                inner = new Filter.Not(unary(), t.position());
            } else {
                inner = or();
                expect(")", "')'");
            }
            depth--;
            return inner;
        }
        return comparison();
    }

    private Filter comparison() {
        Token field = take();
        if (field.kind() != Kind.WORD || isKeyword(field.text())) {
            throw new FilterException("expected a field name but found " + describe(field), field.position());
        }
        if (++terms > TERMS_MAX) {
            throw new FilterException("more than " + TERMS_MAX + " comparisons", field.position());
        }
        Token op = take();
        String o = op.text().toLowerCase(Locale.ROOT);
        if (op.kind() == Kind.SYMBOL || op.kind() == Kind.WORD) {
            switch (o) {
                case "=", "==" -> {
                    return new Filter.Compare(field.text(), Filter.Op.EQ, literal(), field.position());
                }
                case "!=", "<>" -> {
                    return new Filter.Compare(field.text(), Filter.Op.NE, literal(), field.position());
                }
                case "<" -> {
                    return new Filter.Compare(field.text(), Filter.Op.LT, literal(), field.position());
                }
                case ">" -> {
                    return new Filter.Compare(field.text(), Filter.Op.GT, literal(), field.position());
                }
                case "<=" -> {
                    return new Filter.Compare(field.text(), Filter.Op.LE, literal(), field.position());
                }
                case ">=" -> {
                    return new Filter.Compare(field.text(), Filter.Op.GE, literal(), field.position());
                }
                case "contains" -> {
                    return new Filter.Compare(field.text(), Filter.Op.CONTAINS, literal(), field.position());
                }
                case "startswith" -> {
                    return new Filter.Compare(field.text(), Filter.Op.STARTS_WITH, literal(), field.position());
                }
                case "endswith" -> {
                    return new Filter.Compare(field.text(), Filter.Op.ENDS_WITH, literal(), field.position());
                }
                case "in" -> {
                    return in(field);
                }
                case "between" -> {
                    Filter.Literal low = literal();
                    expect("and", "'and' after the lower bound of 'between'");
                    return new Filter.Between(field.text(), low, literal(), field.position());
                }
                default -> {
                }
            }
        }
        throw new FilterException("expected an operator (=, !=, <, >, <=, >=, in, between, contains, startsWith, "
                + "endsWith) after '" + field.text() + "' but found " + describe(op), op.position());
    }

    private Filter in(Token field) {
        expect("(", "'(' after 'in'");
        List<Filter.Literal> values = new ArrayList<>();
        values.add(literal());
        while (peek().is(",")) {
            Token comma = take();
            if (values.size() >= IN_VALUES_MAX) {
                throw new FilterException("more than " + IN_VALUES_MAX + " values in 'in (…)'", comma.position());
            }
            values.add(literal());
        }
        expect(")", "')' or ',' in the 'in' list");
        return new Filter.In(field.text(), List.copyOf(values), field.position());
    }

    private Filter.Literal literal() {
        Token t = take();
        return switch (t.kind()) {
            case NUMBER -> new Filter.Literal.Number(new BigDecimal(t.text()), t.position());
            case TEXT -> new Filter.Literal.Text(t.text(), t.position());
            case DATE -> new Filter.Literal.DateTime(instant(t), t.position());
            case WORD -> switch (t.text().toLowerCase(Locale.ROOT)) {
                case "true" -> new Filter.Literal.Bool(true, t.position());
                case "false" -> new Filter.Literal.Bool(false, t.position());
                case "null" -> new Filter.Literal.Null(t.position());
                default -> throw new FilterException("expected a value but found '" + t.text()
                        + "' (text values need single quotes)", t.position());
            };
            default -> throw new FilterException("expected a value but found " + describe(t), t.position());
        };
    }

    private static Instant instant(Token t) {
        String v = t.text().trim();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // Without an offset the docs' examples mean UTC.
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // A bare date is midnight UTC.
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new FilterException("'" + v + "' is not an ISO-8601 date or date-time", t.position());
        }
    }

    private static boolean isKeyword(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "and", "or", "not", "in", "between", "true", "false", "null" -> true;
            default -> false;
        };
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder sb = new StringBuilder();
                int start = i++;
                while (true) {
                    if (i >= n) {
                        throw new FilterException("text value is not closed with '", start);
                    }
                    char d = s.charAt(i++);
                    if (d == '\'') {
                        if (i < n && s.charAt(i) == '\'') {
                            sb.append('\'');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(d);
                    }
                }
                out.add(new Token(Kind.TEXT, sb.toString(), start));
            } else if (c == '#') {
                int end = s.indexOf('#', i + 1);
                if (end < 0) {
                    throw new FilterException("date-time value is not closed with #", i);
                }
                out.add(new Token(Kind.DATE, s.substring(i + 1, end), i));
                i = end + 1;
            } else if (Character.isDigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < n
                    && (Character.isDigit(s.charAt(i + 1)) || s.charAt(i + 1) == '.'))) {
                int start = i++;
                while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.'
                        || s.charAt(i) == 'e' || s.charAt(i) == 'E'
                        || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')))) {
                    i++;
                }
                String num = s.substring(start, i);
                try {
                    BigDecimal value = new BigDecimal(num);
                    if (value.precision() > 38 || Math.abs(value.scale()) > 38) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new FilterException("'" + num + "' is not a number (at most 38 digits)", start);
                }
                out.add(new Token(Kind.NUMBER, num, start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.')) {
                    i++;
                }
                out.add(new Token(Kind.WORD, s.substring(start, i), start));
            } else if ("<>!=".indexOf(c) >= 0) {
                int start = i++;
                if (i < n && (s.charAt(i) == '=' || (c == '<' && s.charAt(i) == '>'))) {
                    i++;
                }
                String sym = s.substring(start, i);
                if (sym.equals("!")) {
                    throw new FilterException("'!' must be followed by '='", start);
                }
                out.add(new Token(Kind.SYMBOL, sym, start));
            } else if (c == '(' || c == ')' || c == ',') {
                out.add(new Token(Kind.SYMBOL, String.valueOf(c), i++));
            } else {
                throw new FilterException("unexpected character '" + c + "'", i);
            }
        }
        out.add(new Token(Kind.END, "", n));
        return out;
    }
}
