package dev.crater.apidocs;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a service's routes the way the server gets them: by calling {@link HttpService#routing} with
 * an {@link HttpRules} that records each (method, path pattern) instead of routing. Every route
 * method of {@link HttpRules} funnels here, so a route cannot be added in a way the recorder misses:
 * one it cannot read (a route given as an {@code HttpRoute} or a {@code PathMatcher}, or with no
 * path) is recorded as {@link Unreadable}, and the description reports it.
 */
final class RouteRecorder {
    /** Services nested by {@code register} deeper than this are a loop, not a design. */
    static final int NESTING_DEPTH_MAX = 8;
    private static final Set<String> VERBS = Set.of("get", "post", "put", "delete", "head", "options", "trace", "patch");

    /** Something a service's {@code routing} did. */
    sealed interface Recorded permits Route, Fallback, Unreadable {
    }

    /** An operation: {@code method} (upper case) on the path {@code pattern}, Helidon's syntax, with the mount's prefix. */
    record Route(String method, String pattern, String service) implements Recorded {
    }

    /** An {@code any(path, …)} route: the 405 answer of a path's other methods, not an operation. */
    record Fallback(String pattern, String service) implements Recorded {
    }

    /** A route registered in a form that names no path pattern. */
    record Unreadable(String call, String service) implements Recorded {
    }

    private RouteRecorder() {
    }

    /** What {@code service.routing} registers, its paths prefixed with {@code prefix}. */
    static List<Recorded> record(String prefix, HttpService service) {
        List<Recorded> out = new ArrayList<>();
        record(prefix, service, out, 0);
        return out;
    }

    private static void record(String prefix, HttpService service, List<Recorded> out, int depth) {
        if (depth > NESTING_DEPTH_MAX) {
            throw new IllegalStateException("services nested deeper than " + NESTING_DEPTH_MAX + " at " + prefix);
        }
        String name = service.getClass().getSimpleName();
        HttpRules[] self = new HttpRules[1];
        InvocationHandler handler = (proxy, m, args) -> {
            String call = m.getName();
            Object[] a = args == null ? new Object[0] : args;
            if (m.getDeclaringClass() == Object.class) {
                return switch (call) {
                    case "equals" -> proxy == a[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "RouteRecorder(" + name + ")";
                };
            }
            if (call.equals("register") && a.length == 2 && a[0] instanceof String path && a[1] instanceof HttpService[] nested) {
                for (HttpService s : nested) {
                    record(prefix + path, s, out, depth + 1);
                }
            } else if (call.equals("register") && a.length == 1 && a[0] instanceof HttpService[] nested) {
                for (HttpService s : nested) {
                    record(prefix, s, out, depth + 1);
                }
            } else if (call.equals("register")) {
                // The Supplier and List forms: Helidon's defaults call one of the two above.
                return InvocationHandler.invokeDefault(proxy, m, args);
            } else if ((VERBS.contains(call) || call.equals("any")) && a.length == 2 && a[0] instanceof String path) {
                out.add(call.equals("any") ? new Fallback(prefix + path, name)
                        : new Route(call.toUpperCase(Locale.ROOT), prefix + path, name));
            } else if (call.equals("route") && a.length == 3 && a[0] instanceof Method method && a[1] instanceof String path) {
                out.add(new Route(method.text(), prefix + path, name));
            } else {
                out.add(new Unreadable(call + signature(m), name));
            }
            return self[0];
        };
        self[0] = (HttpRules) Proxy.newProxyInstance(RouteRecorder.class.getClassLoader(),
                new Class<?>[] {HttpRules.class}, handler);
        service.routing(self[0]);
    }

    private static String signature(java.lang.reflect.Method m) {
        StringBuilder s = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) {
            s.append(s.length() > 1 ? ", " : "").append(p.getSimpleName());
        }
        return s.append(')').toString();
    }
}
