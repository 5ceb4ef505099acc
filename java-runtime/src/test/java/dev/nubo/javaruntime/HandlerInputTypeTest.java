package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.function.Context;
import dev.nubo.function.Handler;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerInputTypeTest {

    record Order(String id) {}

    static class Direct implements Handler<Order, String> {
        public String handle(Order event, Context context) {
            return event.id();
        }
    }

    abstract static class Base<T> implements Handler<T, String> {
        public String handle(T event, Context context) {
            return String.valueOf(event);
        }
    }

    static class ThroughSuperclass extends Base<Order> {}

    interface OrderHandler<R> extends Handler<Order, R> {}

    static class ThroughInterface implements OrderHandler<String> {
        public String handle(Order event, Context context) {
            return event.id();
        }
    }

    static class Maps implements Handler<Map<String, List<Integer>>, String> {
        public String handle(Map<String, List<Integer>> event, Context context) {
            return "";
        }
    }

    @SuppressWarnings("rawtypes")
    static class Raw implements Handler {
        public Object handle(Object event, Context context) {
            return event;
        }
    }

    @SuppressWarnings("rawtypes")
    static class Unbound<T> extends Base {}

    @Test
    void findsTheInputTypeWhereverTheHierarchyBindsIt() {
        assertThat(HandlerInputType.of(Direct.class)).isEqualTo(Order.class);
        assertThat(HandlerInputType.of(ThroughSuperclass.class)).isEqualTo(Order.class);
        assertThat(HandlerInputType.of(ThroughInterface.class)).isEqualTo(Order.class);
        assertThat(HandlerInputType.of(Maps.class).getTypeName())
                .isEqualTo("java.util.Map<java.lang.String, java.util.List<java.lang.Integer>>");
    }

    @Test
    void rawOrUnboundMeansObject() {
        assertThat(HandlerInputType.of(Raw.class)).isEqualTo(Object.class);
        assertThat(HandlerInputType.of(Unbound.class)).isEqualTo(Object.class);
        assertThat(HandlerInputType.of(Base.class)).isEqualTo(Object.class);
    }

    @Test
    void describesTypesAsTheyReadInSource() {
        Type maps = HandlerInputType.of(Maps.class);
        assertThat(HandlerInputType.describe(Order.class)).isEqualTo("HandlerInputTypeTest.Order");
        assertThat(HandlerInputType.describe(maps)).isEqualTo("Map<String, List<Integer>>");
        assertThat(HandlerInputType.describe(Object.class)).isEqualTo("Object");
    }
}
