package dev.nubo.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The gateway's end of one pooled connection to an instance: hands what the instance sends to the
 * exchange using the connection now, if any. Between exchanges the instance has nothing to say;
 * whatever it sends then (or its closing the connection) just ends the connection, and the pool
 * forgets it.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private Exchange exchange;

    void attach(Exchange owner) {
        this.exchange = owner;
    }

    void detach() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange e = exchange;
        if (e != null && msg instanceof ByteBuf bytes) {
            e.tunnelFromUpstream(bytes);  // switched protocols: the codec is gone
            return;
        }
        if (e == null || !(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            ctx.close();  // an answer nobody asked for: the connection is out of step
            return;
        }
        e.onUpstream(object);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) {
            e.flushToCaller();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null && ctx.channel().isWritable()) {
            e.upstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) {
            exchange = null;
            e.onUpstreamFailure(new IOException("the instance closed the connection"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange e = exchange;
        exchange = null;
        ctx.close();
        if (e != null) {
            e.onUpstreamFailure(cause);
        }
    }
}
