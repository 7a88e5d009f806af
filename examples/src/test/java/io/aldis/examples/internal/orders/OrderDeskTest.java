package io.aldis.examples.internal.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aldis.examples.api.Order;
import io.aldis.examples.api.Receipt;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.protocol.api.ErrorCode;
import org.junit.jupiter.api.Test;

class OrderDeskTest {
    private final OrderDesk desk = new OrderDesk();

    @Test
    void eachOrderGetsTheNextNumber() {
        Receipt first = desk.place(new Order("TEA-0001", 2, "ann", null));
        Receipt second = desk.place(new Order("CUP-0002", 1, "bob", "gift"));
        assertThat(first).isEqualTo(new Receipt(1, "TEA-0001", 2, "ann"));
        assertThat(second.orderNumber()).isEqualTo(2);
    }

    @Test
    void anArticleMissingFromTheCatalogueIsAFieldErrorOfTheOrder() {
        RpcException e = catchThrowableOfType(RpcException.class,
                () -> desk.place(new Order("TEA-9999", 1, "ann", null)));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(e.getMessage()).isEqualTo("parameter 'order.sku': no article TEA-9999 in the catalogue");
        assertThat(e.details()).isEqualTo(
                "{\"errors\":[{\"path\":\"order.sku\",\"reason\":\"no article TEA-9999 in the catalogue\"}]}");
    }
}
