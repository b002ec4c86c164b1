package dev.selkie.demo.web;

import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The static files of a demo page (HTML, CSS, JS in {@code dev/selkie/demo/web/} of the jar, or from a
 * WebJar on the classpath), loaded
 * once and served from memory with strict headers: no inline script, nothing from other origins.
 */
public final class WebResources {
    private static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, HttpResponse> byPath = new HashMap<>();

    /**
     * @param pages request path to resource file name, e.g. {@code "/" -> "chat.html"}, or to an absolute
     *     classpath name such as {@link #webJar}'s
     */
    public WebResources(Map<String, String> pages) {
        pages.forEach((path, file) -> byPath.put(path, load(file)));
    }

    /** Whether {@code path} is one of the static files. */
    public boolean serves(String path) {
        return byPath.containsKey(path);
    }

    /** The response for a GET of a static file: the file, 405 for other methods, 404 if unknown. */
    public HttpResponse handle(HttpRequest request) {
        HttpResponse response = byPath.get(request.path());
        if (response == null) {
            return notFound();
        }
        if (!request.method().equals("GET")) {
            return HttpResponse.text(405, "Method not allowed\n").withHeader("Allow", "GET");
        }
        return response;
    }

    /**
     * The absolute classpath name of {@code file} in the npm WebJar {@code artifact}
     * ({@code org.webjars.npm:ARTIFACT}), e.g. {@code webJar("echarts", "dist/echarts.min.js")}, with the
     * version of the WebJar on the classpath (from its {@code pom.properties}), so that only the pom names it.
     */
    public static String webJar(String artifact, String file) {
        String properties = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = WebResources.class.getResourceAsStream(properties)) {
            if (in == null) {
                throw new IllegalStateException("WebJar org.webjars.npm:" + artifact + " is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return "/META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version") + "/" + file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain 404. */
    public static HttpResponse notFound() {
        return HttpResponse.text(404, "Not found\n");
    }

    private static HttpResponse load(String file) {
        String name = file.startsWith("/") ? file : "/dev/selkie/demo/web/" + file;
        try (InputStream in = WebResources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + file);
            }
            byte[] body = in.readAllBytes();
            return HttpResponse.of(200, Map.of(
                    "Content-Type", contentType(file),
                    "Cache-Control", "no-cache",
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer",
                    "Content-Security-Policy", CSP), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
