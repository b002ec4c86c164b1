package dev.selkie.protocol;

import java.nio.ByteBuffer;

/** Extensions that exist only to exercise the extension seam. */
public final class TestExtensions {
    private TestExtensions() {
    }

    /**
     * {@code x-xor; key=N} (RSV1): every payload byte XORed with the key, both ways. Declines an
     * offer with any other parameter or a key that is not 0-255.
     */
    public static final ExtensionNegotiator XOR = new ExtensionNegotiator() {
        @Override
        public String name() {
            return "x-xor";
        }

        @Override
        public Extension accept(ExtensionOffer offer) {
            int key = 0x5A;
            for (ExtensionOffer.Param param : offer.params()) {
                if (!param.name().equals("key") || !param.hasValue() || !param.value().matches("\\d{1,3}")
                        || Integer.parseInt(param.value()) > 255) {
                    return null;
                }
                key = Integer.parseInt(param.value());
            }
            return new Xor(key);
        }
    };

    /** {@code x-stutter} (RSV2): decoding repeats every byte (so a message grows), encoding sends as is. */
    public static final ExtensionNegotiator STUTTER = new ExtensionNegotiator() {
        @Override
        public String name() {
            return "x-stutter";
        }

        @Override
        public Extension accept(ExtensionOffer offer) {
            return offer.params().isEmpty() ? new Stutter() : null;
        }
    };

    /** The XOR extension with this key. */
    public static class Xor implements Extension {
        final int key;
        /** How often {@link #release()} was called. */
        public int released;

        public Xor(int key) {
            this.key = key;
        }

        @Override
        public String answer() {
            return "x-xor; key=" + key;
        }

        @Override
        public int rsvBits() {
            return 0x40;
        }

        @Override
        public boolean decode(ByteBuffer in, MessageSink out) {
            while (in.hasRemaining()) {
                int n = Math.min(in.remaining(), 100);
                if (!out.reserve(n)) {
                    return false;
                }
                byte[] a = out.array();
                int at = out.size();
                for (int i = 0; i < n; i++) {
                    a[at + i] = (byte) (in.get() ^ key);
                }
                if (!out.commit(n)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public ByteBuffer encode(int opcode, ByteBuffer payload) {
            ByteBuffer out = ByteBuffer.allocate(payload.remaining());
            for (int i = payload.position(); i < payload.limit(); i++) {
                out.put((byte) (payload.get(i) ^ key));
            }
            return out.flip();
        }

        @Override
        public void release() {
            released++;
        }
    }

    /** The stutter extension. */
    public static final class Stutter implements Extension {
        @Override
        public String answer() {
            return "x-stutter";
        }

        @Override
        public int rsvBits() {
            return 0x20;
        }

        @Override
        public boolean decode(ByteBuffer in, MessageSink out) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (!out.write(new byte[] {b, b}, 0, 2)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public ByteBuffer encode(int opcode, ByteBuffer payload) {
            return null;
        }
    }
}
