package io.aldis.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SlowConsumerPolicyTest {

    @Test
    void wireNamesAreThoseOfTheSubscribeOptionsTableInProtocolMd() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        Matcher row = Pattern.compile("(?m)^\\| `" + Subscribe.OPTION_POLICY + "` \\| (.*?): ").matcher(doc);
        assertThat(row.find()).as("the policy row of the SUBSCRIBE options table").isTrue();
        Matcher quoted = Pattern.compile("`\"([a-z-]+)\"`").matcher(row.group(1));
        List<String> documented = new java.util.ArrayList<>();
        while (quoted.find()) {
            documented.add(quoted.group(1));
        }
        assertThat(Arrays.stream(SlowConsumerPolicy.values()).map(SlowConsumerPolicy::wireName))
                .containsExactlyElementsOf(documented);
    }

    @Test
    void everyWireNameReadsBackAsItsPolicy() {
        for (SlowConsumerPolicy p : SlowConsumerPolicy.values()) {
            assertThat(SlowConsumerPolicy.ofWireName(p.wireName())).isSameAs(p);
        }
    }

    @Test
    void caseAndSurroundingBlanksAreIgnoredAsTheNodeAlwaysDid() {
        assertThat(SlowConsumerPolicy.ofWireName(" Drop-Oldest ")).isSameAs(SlowConsumerPolicy.DROP_OLDEST);
    }

    @Test
    void theEnumConstantNamesAreNotWireNames() {
        assertThat(SlowConsumerPolicy.ofWireName("DROP_OLDEST")).isNull();
        assertThat(SlowConsumerPolicy.ofWireName("drop")).isNull();
        assertThat(SlowConsumerPolicy.ofWireName("")).isNull();
        assertThat(SlowConsumerPolicy.ofWireName(null)).isNull();
    }
}
