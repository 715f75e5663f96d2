package io.firstspike.io;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes by hand (protocol 2, plus STACK_GLOBAL), following the opcode table of
 * Python's pickle format. Tests use it to craft network files, hostile pickles and corner cases
 * independently of the importer under test.
 */
final class PickleBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  PickleBuilder() {
    op(0x80).op(2); // PROTO 2
  }

  private PickleBuilder op(int b) {
    out.write(b);
    return this;
  }

  private PickleBuilder raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  PickleBuilder global(String module, String name) {
    return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** Protocol-4 STACK_GLOBAL: module and name come from the stack. */
  PickleBuilder stackGlobal(String module, String name) {
    return str(module).str(name).op(0x93);
  }

  PickleBuilder str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return op('X').raw(le4(b.length)).raw(b);
  }

  PickleBuilder integer(int v) {
    return op('J').raw(le4(v));
  }

  /** LONG1: little-endian two's complement. */
  PickleBuilder bigInt(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[be.length];
    for (int i = 0; i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return op(0x8a).op(le.length).raw(le);
  }

  PickleBuilder floating(double v) {
    return op('G').raw(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(v).array());
  }

  PickleBuilder bool(boolean v) {
    return op(v ? 0x88 : 0x89);
  }

  PickleBuilder none() {
    return op('N');
  }

  PickleBuilder mark() {
    return op('(');
  }

  PickleBuilder tuple() {
    return op('t');
  }

  PickleBuilder emptyTuple() {
    return op(')');
  }

  PickleBuilder emptyList() {
    return op(']');
  }

  PickleBuilder appends() {
    return op('e');
  }

  PickleBuilder emptyDict() {
    return op('}');
  }

  PickleBuilder setItems() {
    return op('u');
  }

  PickleBuilder reduce() {
    return op('R');
  }

  PickleBuilder newObj() {
    return op(0x81);
  }

  PickleBuilder build() {
    return op('b');
  }

  PickleBuilder binPersId() {
    return op('Q');
  }

  /** Protocol-0 INST: instantiates module.name with the marked arguments. */
  PickleBuilder inst(String module, String name) {
    return op('i').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code collections.OrderedDict()} */
  PickleBuilder orderedDict() {
    return global("collections", "OrderedDict").emptyTuple().reduce();
  }

  /** A list of ints. */
  PickleBuilder ints(int... v) {
    emptyList().mark();
    for (int x : v) {
      integer(x);
    }
    return appends();
  }

  /** A tuple of ints. */
  PickleBuilder intTuple(int... v) {
    mark();
    for (int x : v) {
      integer(x);
    }
    return tuple();
  }

  /**
   * Any opcode followed by raw argument bytes, for hostile pickles (lengths that lie, frames).
   * The caller builds the argument bytes, e.g. with {@link #le4} or {@link #le8}.
   */
  PickleBuilder opcode(int op, byte[] argument) {
    return op(op).raw(argument);
  }

  /** Ends the pickle (STOP) and returns its bytes. */
  byte[] stop() {
    op('.');
    return out.toByteArray();
  }

  static byte[] le4(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  static byte[] le8(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }
}
