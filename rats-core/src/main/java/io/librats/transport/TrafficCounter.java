package io.librats.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the bytes a connection moves on the wire; sits next to the socket so it sees ciphertext. */
final class TrafficCounter extends ChannelDuplexHandler {

	private final PeerConnection connection;

	TrafficCounter(PeerConnection connection) {
		this.connection = connection;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		this.connection.bytesIn.add(size(msg));
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		this.connection.bytesOut.add(size(msg));
		ctx.write(msg, promise);
	}

	private static long size(Object msg) {
		if (msg instanceof ByteBuf buf) {
			return buf.readableBytes();
		}
		return (msg instanceof ByteBufHolder holder) ? holder.content().readableBytes() : 0;
	}

}
