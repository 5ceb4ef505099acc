import dev.nubo.function.Context;
import dev.nubo.function.Handler;
import java.util.Map;

/** The trivial Java function of bench/coldstart.sh: the event back, with the revision. Logs nothing. */
public final class Echo implements Handler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handle(Map<String, Object> event, Context context) {
        return Map.of("echo", event == null ? Map.of() : event, "revision", context.revision());
    }
}
