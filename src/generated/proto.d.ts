import * as $protobuf from "protobufjs";
import Long = require("long");
/** Namespace dynkv. */
export namespace dynkv {

    /** Namespace record. */
    namespace record {

        /** Properties of a Version. */
        interface IVersion {

            /** Version data */
            data?: (Uint8Array|null);

            /** Version tombstone */
            tombstone?: (boolean|null);

            /** Version timestampMs */
            timestampMs?: (number|null);

            /** Version expiresAtMs */
            expiresAtMs?: (number|null);
        }

        /** Represents a Version. */
        class Version implements IVersion {

            /**
             * Constructs a new Version.
             * @param [p] Properties to set
             */
            constructor(p?: dynkv.record.IVersion);

            /** Version data. */
            public data: Uint8Array;

            /** Version tombstone. */
            public tombstone: boolean;

            /** Version timestampMs. */
            public timestampMs: number;

            /** Version expiresAtMs. */
            public expiresAtMs: number;

            /**
             * Encodes the specified Version message. Does not implicitly {@link dynkv.record.Version.verify|verify} messages.
             * @param m Version message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            public static encode(m: dynkv.record.IVersion, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Version message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns Version
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(r: ($protobuf.Reader|Uint8Array), l?: number): dynkv.record.Version;

            /**
             * Gets the default type url for Version
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a ClockEntry. */
        interface IClockEntry {

            /** ClockEntry actor */
            actor?: (string|null);

            /** ClockEntry counter */
            counter?: (number|null);

            /** ClockEntry versions */
            versions?: (dynkv.record.IVersion[]|null);

            /** ClockEntry updatedMs */
            updatedMs?: (number|null);
        }

        /** Represents a ClockEntry. */
        class ClockEntry implements IClockEntry {

            /**
             * Constructs a new ClockEntry.
             * @param [p] Properties to set
             */
            constructor(p?: dynkv.record.IClockEntry);

            /** ClockEntry actor. */
            public actor: string;

            /** ClockEntry counter. */
            public counter: number;

            /** ClockEntry versions. */
            public versions: dynkv.record.IVersion[];

            /** ClockEntry updatedMs. */
            public updatedMs: number;

            /**
             * Encodes the specified ClockEntry message. Does not implicitly {@link dynkv.record.ClockEntry.verify|verify} messages.
             * @param m ClockEntry message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            public static encode(m: dynkv.record.IClockEntry, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ClockEntry message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns ClockEntry
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(r: ($protobuf.Reader|Uint8Array), l?: number): dynkv.record.ClockEntry;

            /**
             * Gets the default type url for ClockEntry
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a Record. */
        interface IRecord {

            /** Record entries */
            entries?: (dynkv.record.IClockEntry[]|null);
        }

        /** Represents a Record. */
        class Record implements IRecord {

            /**
             * Constructs a new Record.
             * @param [p] Properties to set
             */
            constructor(p?: dynkv.record.IRecord);

            /** Record entries. */
            public entries: dynkv.record.IClockEntry[];

            /**
             * Encodes the specified Record message. Does not implicitly {@link dynkv.record.Record.verify|verify} messages.
             * @param m Record message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            public static encode(m: dynkv.record.IRecord, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Record message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns Record
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(r: ($protobuf.Reader|Uint8Array), l?: number): dynkv.record.Record;

            /**
             * Gets the default type url for Record
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a Context. */
        interface IContext {

            /** Context entries */
            entries?: (dynkv.record.IContextEntry[]|null);
        }

        /** Represents a Context. */
        class Context implements IContext {

            /**
             * Constructs a new Context.
             * @param [p] Properties to set
             */
            constructor(p?: dynkv.record.IContext);

            /** Context entries. */
            public entries: dynkv.record.IContextEntry[];

            /**
             * Encodes the specified Context message. Does not implicitly {@link dynkv.record.Context.verify|verify} messages.
             * @param m Context message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            public static encode(m: dynkv.record.IContext, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Context message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns Context
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(r: ($protobuf.Reader|Uint8Array), l?: number): dynkv.record.Context;

            /**
             * Gets the default type url for Context
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }

        /** Properties of a ContextEntry. */
        interface IContextEntry {

            /** ContextEntry actor */
            actor?: (string|null);

            /** ContextEntry counter */
            counter?: (number|null);
        }

        /** Represents a ContextEntry. */
        class ContextEntry implements IContextEntry {

            /**
             * Constructs a new ContextEntry.
             * @param [p] Properties to set
             */
            constructor(p?: dynkv.record.IContextEntry);

            /** ContextEntry actor. */
            public actor: string;

            /** ContextEntry counter. */
            public counter: number;

            /**
             * Encodes the specified ContextEntry message. Does not implicitly {@link dynkv.record.ContextEntry.verify|verify} messages.
             * @param m ContextEntry message or plain object to encode
             * @param [w] Writer to encode to
             * @returns Writer
             */
            public static encode(m: dynkv.record.IContextEntry, w?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ContextEntry message from the specified reader or buffer.
             * @param r Reader or buffer to decode from
             * @param [l] Message length if known beforehand
             * @returns ContextEntry
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            public static decode(r: ($protobuf.Reader|Uint8Array), l?: number): dynkv.record.ContextEntry;

            /**
             * Gets the default type url for ContextEntry
             * @param [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns The default type url
             */
            public static getTypeUrl(typeUrlPrefix?: string): string;
        }
    }
}
