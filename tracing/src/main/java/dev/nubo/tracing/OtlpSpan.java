package dev.nubo.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A kept {@link Span} in the OpenTelemetry SDK's form, for its OTLP exporter. Spans are made as plain
 * records and converted only here, at export, because the SDK's own span builder picks span ids itself,
 * while the gateway's client span must keep the id it already sent to the instance in its traceparent.
 * The contexts and attributes are built once: the exporter's encoder asks for them more than once.
 */
final class OtlpSpan implements SpanData {

    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.nubo");
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("nubo.service");

    private final Span span;
    private final Resource resource;
    private final SpanContext context;
    private final SpanContext parent;
    private final Attributes attributes;

    OtlpSpan(Span span, Resource resource) {
        this.span = span;
        this.resource = resource;
        this.context = SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
        this.parent = span.parentId().map(p -> SpanContext.create(span.traceId(), p, TraceFlags.getSampled(), TraceState.getDefault()))
                .orElse(SpanContext.getInvalid());
        AttributesBuilder out = Attributes.builder();
        span.attributes().forEach((k, v) -> out.put(AttributeKey.stringKey(k), v));
        if (!span.service().isEmpty()) {
            out.put(SERVICE, span.service());
        }
        this.attributes = out.build();
    }

    @Override
    public String getName() {
        return span.name();
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.valueOf(span.kind().name());
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return span.error() ? StatusData.error() : StatusData.unset();
    }

    @Override
    public long getStartEpochNanos() {
        return span.startEpochNanos();
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public long getEndEpochNanos() {
        return span.endEpochNanos();
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public io.opentelemetry.sdk.common.InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return io.opentelemetry.sdk.common.InstrumentationLibraryInfo.create(SCOPE.getName(), null);
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
