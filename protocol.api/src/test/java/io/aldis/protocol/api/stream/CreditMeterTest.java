package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditMeterTest {
    private static final SizeFunction FIXED_1000 = new SizeFunction() {
        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public long sizeOf(ByteBuffer item) {
            item.position(item.limit()); // a careless function: the caller's buffer must not move
            return 1000;
        }
    };

    @Test
    void itemsCostOneWhateverTheirSize() {
        assertThat(CreditMeter.items().costOf(new byte[0])).isEqualTo(1);
        assertThat(CreditMeter.items().costOf(new byte[5000])).isEqualTo(1);
    }

    @Test
    void bytesCostTheirLengthAndAtLeastOne() {
        assertThat(CreditMeter.bytes().costOf(new byte[5000])).isEqualTo(5000);
        assertThat(CreditMeter.bytes().costOf(new byte[0])).isEqualTo(1);
        ByteBuffer slice = ByteBuffer.wrap(new byte[100], 10, 30);
        assertThat(CreditMeter.bytes().costOf(slice)).isEqualTo(30);
    }

    @Test
    void customCostsComeFromTheFunctionClampedToOneAndIntMax() {
        ByteBuffer item = ByteBuffer.wrap(new byte[10]);
        assertThat(CreditMeter.custom(FIXED_1000).costOf(item)).isEqualTo(1000);
        assertThat(item.position()).as("the function saw a view").isZero();
        assertThat(CreditMeter.custom(fixed("zero", 0)).costOf(new byte[3])).isEqualTo(1);
        assertThat(CreditMeter.custom(fixed("negative", -7)).costOf(new byte[3])).isEqualTo(1);
        assertThat(CreditMeter.custom(fixed("huge", 1L << 40)).costOf(new byte[3])).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aStreamsMeterIsFoundByModeAndFunctionName() {
        Map<String, SizeFunction> known = Map.of("fixed", FIXED_1000);
        assertThat(CreditMeter.forStream(CreditMode.ITEMS, "ignored", known::get)).isSameAs(CreditMeter.items());
        assertThat(CreditMeter.forStream(CreditMode.BYTES, null, known::get)).isSameAs(CreditMeter.bytes());
        CreditMeter custom = CreditMeter.forStream(CreditMode.CUSTOM, "fixed", known::get);
        assertThat(custom.mode()).isEqualTo(CreditMode.CUSTOM);
        assertThat(custom.sizeFunctionName()).contains("fixed");
        assertThat(custom.costOf(new byte[1])).isEqualTo(1000);
        assertThat(CreditMeter.bytes().sizeFunctionName()).isEmpty();
    }

    @Test
    void anUnknownOrMissingSizeFunctionIsTheProtocolsError() {
        Map<String, SizeFunction> known = Map.of("fixed", FIXED_1000);
        assertThatThrownBy(() -> CreditMeter.forStream(CreditMode.CUSTOM, "utf16-units", known::get))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION);
                    assertThat(e.getMessage()).contains("'utf16-units'");
                });
        assertThatThrownBy(() -> CreditMeter.forStream(CreditMode.CUSTOM, "", known::get))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION));
        assertThatThrownBy(() -> CreditMeter.forStream(CreditMode.CUSTOM, null, known::get))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION));
        assertThatThrownBy(() -> CreditMeter.custom(fixed("", 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theNameOfAnUnknownSizeFunctionIsQuotedOnOneLine() {
        // the name comes from the peer's STREAM_OPEN metadata, and the message goes back in STREAM_ERROR
        assertThatThrownBy(() -> CreditMeter.forStream(CreditMode.CUSTOM, "evil\nname", n -> null))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.getMessage())
                        .doesNotContain("\n").contains("'evil\\u000aname'"));
    }

    private static SizeFunction fixed(String name, long size) {
        return new SizeFunction() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long sizeOf(ByteBuffer item) {
                return size;
            }
        };
    }
}
