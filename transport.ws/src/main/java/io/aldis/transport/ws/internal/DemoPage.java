package io.aldis.transport.ws.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo chat page and the browser client it imports, packaged in this bundle under
 * {@code aldis-demo/}. Only a fixed table of URL paths is answered, each with a file read once
 * from the bundle; the request path is only ever a key of that table. The page learns the
 * WebSocket path of its listener from a meta element that is filled in here.
 */
final class DemoPage implements PlainHttp {
    private static final String RESOURCES = "/aldis-demo/";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JS = "text/javascript; charset=utf-8";
    private static final String CSS = "text/css; charset=utf-8";
    /** The element of index.html whose content is replaced by the listener's path. */
    static final String PATH_META = "<meta name=\"aldis-ws-path\" content=\"/aldis\">";

    private record File(byte[] body, String contentType) {
    }

    private final Map<String, File> files = new HashMap<>();

    /** Loads the files for a listener whose WebSocket endpoint is {@code wsPath}. */
    DemoPage(String wsPath) {
        byte[] index = read("index.html");
        if (index != null) {
            String html = new String(index, StandardCharsets.UTF_8)
                    .replace(PATH_META, PATH_META.replace("/aldis", escape(wsPath)));
            File page = new File(html.getBytes(StandardCharsets.UTF_8), HTML);
            files.put("/", page);
            files.put("/index.html", page);
        }
        add("demo.css", CSS);
        add("demo.js", JS);
        add("file-area.js", JS);
        add("aldis.js", JS);
        add("codec.js", JS);
        add("scram.js", JS);
        add("files.js", JS);
        add("digest.js", JS);
    }

    private void add(String name, String contentType) {
        byte[] body = read(name);
        if (body != null) {
            files.put("/" + name, new File(body, contentType));
        }
    }

    /** Whether the bundle holds the page at all. */
    boolean available() {
        return files.containsKey("/");
    }

    @Override
    public FullHttpResponse respond(FullHttpRequest request) {
        if (!HttpMethod.GET.equals(request.method())) {
            return null;
        }
        File file = files.get(new QueryStringDecoder(request.uri()).path());
        if (file == null) {
            return null;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(file.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, file.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer");
        return response;
    }

    private static byte[] read(String name) {
        try (InputStream in = DemoPage.class.getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo file " + name, e);
        }
    }

    /** The path as an HTML attribute value (it starts with / and has no ? or #, but may hold anything else). */
    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
