package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's shortcuts for string parameters and results give what Jackson gives. */
class RpcJsonTest {
    private static final List<String> TEXTS = texts();

    private static List<String> texts() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            every.append(c);
        }
        return List.of("", "plain", "quote \" backslash \\ slash /", "\u0000\u001f\u007f\t\r\n\b\f",
                "caf\u00e9 \u4e2d\u6587", "a pair \ud83d\ude00 and a lone \ud83d", every.toString());
    }

    @Test
    void stringParametersAreEncodedByteForByteAsJacksonEncodesThem() throws Exception {
        for (String text : TEXTS) {
            Object[] params = {text, "second", text};
            assertThat(RpcSupport.encodeParams(params)).as("params with %s", text)
                    .isEqualTo(RpcSupport.MAPPER.writeValueAsBytes(params));
        }
        Object[] none = {};
        assertThat(RpcSupport.encodeParams(none)).isEqualTo(RpcSupport.MAPPER.writeValueAsBytes(none));
        Object[] mixed = {"text", 3, null};
        assertThat(new String(RpcSupport.encodeParams(mixed), StandardCharsets.UTF_8)).isEqualTo("[\"text\",3,null]");
    }

    @Test
    void aStringResultIsReadAsJacksonReadsIt() throws Exception {
        for (String text : TEXTS) {
            if (text.endsWith("\ud83d")) {
                continue; // a lone surrogate is not valid UTF-8 once written, on either path
            }
            byte[] json = RpcSupport.MAPPER.writeValueAsBytes(text);
            assertThat(RpcSupport.decodeResult(json, String.class)).as("result %s", text).isEqualTo(text);
        }
        assertThat(RpcSupport.decodeResult("\"caf\\u00e9 \\ud83d\\ude00\"".getBytes(StandardCharsets.UTF_8), String.class))
                .isEqualTo("caf\u00e9 \ud83d\ude00");
        assertThat(RpcSupport.decodeResult("42".getBytes(StandardCharsets.UTF_8), Integer.class)).isEqualTo(42);
    }
}
