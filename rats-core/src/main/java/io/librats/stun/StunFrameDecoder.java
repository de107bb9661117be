package io.librats.stun;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Splits a TCP stream to a STUN/TURN server into STUN messages and ChannelData frames (RFC 8656 section 12.5: the
 * two leading bits tell them apart; ChannelData is padded to four bytes over TCP). Emits one {@code byte[]} per
 * frame, padding excluded; anything else on the stream is a {@link CorruptedFrameException}. Frames are bounded by
 * their 16-bit length fields.
 */
public final class StunFrameDecoder extends ByteToMessageDecoder {

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		while (in.readableBytes() >= 4) {
			int start = in.readerIndex();
			int first = in.getUnsignedByte(start);
			int length = in.getUnsignedShort(start + 2);
			int frame;
			int content;
			if ((first & 0xC0) == 0) {
				if ((length & 3) != 0) {
					throw new CorruptedFrameException("STUN length " + length + " is not a multiple of 4");
				}
				frame = StunMessage.HEADER_LENGTH + length;
				content = frame;
			}
			else if (ChannelData.isChannelData(first)) {
				frame = ChannelData.tcpFrameLength(length);
				content = 4 + length;
			}
			else {
				throw new CorruptedFrameException("neither STUN nor ChannelData on the stream");
			}
			if (in.readableBytes() < frame) {
				return;
			}
			byte[] bytes = new byte[content];
			in.getBytes(start, bytes);
			in.skipBytes(frame);
			out.add(bytes);
		}
	}

}
