/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars*/
"use strict";

var $protobuf = require("protobufjs/minimal");

// Common aliases
var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;

// Exported root namespace
var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.dynkv = (function() {

    /**
     * Namespace dynkv.
     * @exports dynkv
     * @namespace
     */
    var dynkv = {};

    dynkv.record = (function() {

        /**
         * Namespace record.
         * @memberof dynkv
         * @namespace
         */
        var record = {};

        record.Version = (function() {

            /**
             * Properties of a Version.
             * @memberof dynkv.record
             * @interface IVersion
             * @property {Uint8Array|null} [data] Version data
             * @property {boolean|null} [tombstone] Version tombstone
             * @property {number|null} [timestampMs] Version timestampMs
             * @property {number|null} [expiresAtMs] Version expiresAtMs
             */

            /**
             * Constructs a new Version.
             * @memberof dynkv.record
             * @classdesc Represents a Version.
             * @implements IVersion
             * @constructor
             * @param {dynkv.record.IVersion=} [p] Properties to set
             */
            function Version(p) {
                if (p)
                    for (var ks = Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            }

            /**
             * Version data.
             * @member {Uint8Array} data
             * @memberof dynkv.record.Version
             * @instance
             */
            Version.prototype.data = $util.newBuffer([]);

            /**
             * Version tombstone.
             * @member {boolean} tombstone
             * @memberof dynkv.record.Version
             * @instance
             */
            Version.prototype.tombstone = false;

            /**
             * Version timestampMs.
             * @member {number} timestampMs
             * @memberof dynkv.record.Version
             * @instance
             */
            Version.prototype.timestampMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Version expiresAtMs.
             * @member {number} expiresAtMs
             * @memberof dynkv.record.Version
             * @instance
             */
            Version.prototype.expiresAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Encodes the specified Version message. Does not implicitly {@link dynkv.record.Version.verify|verify} messages.
             * @function encode
             * @memberof dynkv.record.Version
             * @static
             * @param {dynkv.record.IVersion} m Version message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Version.encode = function encode(m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (m.data != null && Object.hasOwnProperty.call(m, "data"))
                    w.uint32(10).bytes(m.data);
                if (m.tombstone != null && Object.hasOwnProperty.call(m, "tombstone"))
                    w.uint32(16).bool(m.tombstone);
                if (m.timestampMs != null && Object.hasOwnProperty.call(m, "timestampMs"))
                    w.uint32(24).uint64(m.timestampMs);
                if (m.expiresAtMs != null && Object.hasOwnProperty.call(m, "expiresAtMs"))
                    w.uint32(32).uint64(m.expiresAtMs);
                return w;
            };

            /**
             * Decodes a Version message from the specified reader or buffer.
             * @function decode
             * @memberof dynkv.record.Version
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {dynkv.record.Version} Version
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Version.decode = function decode(r, l, e, n) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (n === undefined)
                    n = 0;
                if (n > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var c, m;
                if (l === undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = new $root.dynkv.record.Version();
                while (r.pos < c) {
                    var t = r.uint32();
                    if (t === e)
                        break;
                    switch (t >>> 3) {
                    case 1: {
                            m.data = r.bytes();
                            break;
                        }
                    case 2: {
                            m.tombstone = r.bool();
                            break;
                        }
                    case 3: {
                            m.timestampMs = r.uint64();
                            break;
                        }
                    case 4: {
                            m.expiresAtMs = r.uint64();
                            break;
                        }
                    default:
                        r.skipType(t & 7, n);
                        break;
                    }
                }
                if (l !== undefined) {
                    if (r.pos !== c)
                        throw RangeError("index out of range");
                    r.len = l;
                }
                return m;
            };

            /**
             * Gets the default type url for Version
             * @function getTypeUrl
             * @memberof dynkv.record.Version
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Version.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dynkv.record.Version";
            };

            return Version;
        })();

        record.ClockEntry = (function() {

            /**
             * Properties of a ClockEntry.
             * @memberof dynkv.record
             * @interface IClockEntry
             * @property {string|null} [actor] ClockEntry actor
             * @property {number|null} [counter] ClockEntry counter
             * @property {Array.<dynkv.record.IVersion>|null} [versions] ClockEntry versions
             * @property {number|null} [updatedMs] ClockEntry updatedMs
             */

            /**
             * Constructs a new ClockEntry.
             * @memberof dynkv.record
             * @classdesc Represents a ClockEntry.
             * @implements IClockEntry
             * @constructor
             * @param {dynkv.record.IClockEntry=} [p] Properties to set
             */
            function ClockEntry(p) {
                this.versions = [];
                if (p)
                    for (var ks = Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            }

            /**
             * ClockEntry actor.
             * @member {string} actor
             * @memberof dynkv.record.ClockEntry
             * @instance
             */
            ClockEntry.prototype.actor = "";

            /**
             * ClockEntry counter.
             * @member {number} counter
             * @memberof dynkv.record.ClockEntry
             * @instance
             */
            ClockEntry.prototype.counter = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ClockEntry versions.
             * @member {Array.<dynkv.record.IVersion>} versions
             * @memberof dynkv.record.ClockEntry
             * @instance
             */
            ClockEntry.prototype.versions = $util.emptyArray;

            /**
             * ClockEntry updatedMs.
             * @member {number} updatedMs
             * @memberof dynkv.record.ClockEntry
             * @instance
             */
            ClockEntry.prototype.updatedMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Encodes the specified ClockEntry message. Does not implicitly {@link dynkv.record.ClockEntry.verify|verify} messages.
             * @function encode
             * @memberof dynkv.record.ClockEntry
             * @static
             * @param {dynkv.record.IClockEntry} m ClockEntry message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ClockEntry.encode = function encode(m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (m.actor != null && Object.hasOwnProperty.call(m, "actor"))
                    w.uint32(10).string(m.actor);
                if (m.counter != null && Object.hasOwnProperty.call(m, "counter"))
                    w.uint32(16).uint64(m.counter);
                if (m.versions != null && m.versions.length) {
                    for (var i = 0; i < m.versions.length; ++i)
                        $root.dynkv.record.Version.encode(m.versions[i], w.uint32(26).fork(), q + 1).ldelim();
                }
                if (m.updatedMs != null && Object.hasOwnProperty.call(m, "updatedMs"))
                    w.uint32(32).uint64(m.updatedMs);
                return w;
            };

            /**
             * Decodes a ClockEntry message from the specified reader or buffer.
             * @function decode
             * @memberof dynkv.record.ClockEntry
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {dynkv.record.ClockEntry} ClockEntry
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ClockEntry.decode = function decode(r, l, e, n) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (n === undefined)
                    n = 0;
                if (n > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var c, m;
                if (l === undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = new $root.dynkv.record.ClockEntry();
                while (r.pos < c) {
                    var t = r.uint32();
                    if (t === e)
                        break;
                    switch (t >>> 3) {
                    case 1: {
                            m.actor = r.string();
                            break;
                        }
                    case 2: {
                            m.counter = r.uint64();
                            break;
                        }
                    case 3: {
                            if (!(m.versions && m.versions.length))
                                m.versions = [];
                            m.versions.push($root.dynkv.record.Version.decode(r, r.uint32(), undefined, n + 1));
                            break;
                        }
                    case 4: {
                            m.updatedMs = r.uint64();
                            break;
                        }
                    default:
                        r.skipType(t & 7, n);
                        break;
                    }
                }
                if (l !== undefined) {
                    if (r.pos !== c)
                        throw RangeError("index out of range");
                    r.len = l;
                }
                return m;
            };

            /**
             * Gets the default type url for ClockEntry
             * @function getTypeUrl
             * @memberof dynkv.record.ClockEntry
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            ClockEntry.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dynkv.record.ClockEntry";
            };

            return ClockEntry;
        })();

        record.Record = (function() {

            /**
             * Properties of a Record.
             * @memberof dynkv.record
             * @interface IRecord
             * @property {Array.<dynkv.record.IClockEntry>|null} [entries] Record entries
             */

            /**
             * Constructs a new Record.
             * @memberof dynkv.record
             * @classdesc Represents a Record.
             * @implements IRecord
             * @constructor
             * @param {dynkv.record.IRecord=} [p] Properties to set
             */
            function Record(p) {
                this.entries = [];
                if (p)
                    for (var ks = Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            }

            /**
             * Record entries.
             * @member {Array.<dynkv.record.IClockEntry>} entries
             * @memberof dynkv.record.Record
             * @instance
             */
            Record.prototype.entries = $util.emptyArray;

            /**
             * Encodes the specified Record message. Does not implicitly {@link dynkv.record.Record.verify|verify} messages.
             * @function encode
             * @memberof dynkv.record.Record
             * @static
             * @param {dynkv.record.IRecord} m Record message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Record.encode = function encode(m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (m.entries != null && m.entries.length) {
                    for (var i = 0; i < m.entries.length; ++i)
                        $root.dynkv.record.ClockEntry.encode(m.entries[i], w.uint32(10).fork(), q + 1).ldelim();
                }
                return w;
            };

            /**
             * Decodes a Record message from the specified reader or buffer.
             * @function decode
             * @memberof dynkv.record.Record
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {dynkv.record.Record} Record
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Record.decode = function decode(r, l, e, n) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (n === undefined)
                    n = 0;
                if (n > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var c, m;
                if (l === undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = new $root.dynkv.record.Record();
                while (r.pos < c) {
                    var t = r.uint32();
                    if (t === e)
                        break;
                    switch (t >>> 3) {
                    case 1: {
                            if (!(m.entries && m.entries.length))
                                m.entries = [];
                            m.entries.push($root.dynkv.record.ClockEntry.decode(r, r.uint32(), undefined, n + 1));
                            break;
                        }
                    default:
                        r.skipType(t & 7, n);
                        break;
                    }
                }
                if (l !== undefined) {
                    if (r.pos !== c)
                        throw RangeError("index out of range");
                    r.len = l;
                }
                return m;
            };

            /**
             * Gets the default type url for Record
             * @function getTypeUrl
             * @memberof dynkv.record.Record
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Record.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dynkv.record.Record";
            };

            return Record;
        })();

        record.Context = (function() {

            /**
             * Properties of a Context.
             * @memberof dynkv.record
             * @interface IContext
             * @property {Array.<dynkv.record.IContextEntry>|null} [entries] Context entries
             */

            /**
             * Constructs a new Context.
             * @memberof dynkv.record
             * @classdesc Represents a Context.
             * @implements IContext
             * @constructor
             * @param {dynkv.record.IContext=} [p] Properties to set
             */
            function Context(p) {
                this.entries = [];
                if (p)
                    for (var ks = Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            }

            /**
             * Context entries.
             * @member {Array.<dynkv.record.IContextEntry>} entries
             * @memberof dynkv.record.Context
             * @instance
             */
            Context.prototype.entries = $util.emptyArray;

            /**
             * Encodes the specified Context message. Does not implicitly {@link dynkv.record.Context.verify|verify} messages.
             * @function encode
             * @memberof dynkv.record.Context
             * @static
             * @param {dynkv.record.IContext} m Context message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Context.encode = function encode(m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (m.entries != null && m.entries.length) {
                    for (var i = 0; i < m.entries.length; ++i)
                        $root.dynkv.record.ContextEntry.encode(m.entries[i], w.uint32(10).fork(), q + 1).ldelim();
                }
                return w;
            };

            /**
             * Decodes a Context message from the specified reader or buffer.
             * @function decode
             * @memberof dynkv.record.Context
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {dynkv.record.Context} Context
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Context.decode = function decode(r, l, e, n) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (n === undefined)
                    n = 0;
                if (n > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var c, m;
                if (l === undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = new $root.dynkv.record.Context();
                while (r.pos < c) {
                    var t = r.uint32();
                    if (t === e)
                        break;
                    switch (t >>> 3) {
                    case 1: {
                            if (!(m.entries && m.entries.length))
                                m.entries = [];
                            m.entries.push($root.dynkv.record.ContextEntry.decode(r, r.uint32(), undefined, n + 1));
                            break;
                        }
                    default:
                        r.skipType(t & 7, n);
                        break;
                    }
                }
                if (l !== undefined) {
                    if (r.pos !== c)
                        throw RangeError("index out of range");
                    r.len = l;
                }
                return m;
            };

            /**
             * Gets the default type url for Context
             * @function getTypeUrl
             * @memberof dynkv.record.Context
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            Context.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dynkv.record.Context";
            };

            return Context;
        })();

        record.ContextEntry = (function() {

            /**
             * Properties of a ContextEntry.
             * @memberof dynkv.record
             * @interface IContextEntry
             * @property {string|null} [actor] ContextEntry actor
             * @property {number|null} [counter] ContextEntry counter
             */

            /**
             * Constructs a new ContextEntry.
             * @memberof dynkv.record
             * @classdesc Represents a ContextEntry.
             * @implements IContextEntry
             * @constructor
             * @param {dynkv.record.IContextEntry=} [p] Properties to set
             */
            function ContextEntry(p) {
                if (p)
                    for (var ks = Object.keys(p), i = 0; i < ks.length; ++i)
                        if (p[ks[i]] != null && ks[i] !== "__proto__")
                            this[ks[i]] = p[ks[i]];
            }

            /**
             * ContextEntry actor.
             * @member {string} actor
             * @memberof dynkv.record.ContextEntry
             * @instance
             */
            ContextEntry.prototype.actor = "";

            /**
             * ContextEntry counter.
             * @member {number} counter
             * @memberof dynkv.record.ContextEntry
             * @instance
             */
            ContextEntry.prototype.counter = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Encodes the specified ContextEntry message. Does not implicitly {@link dynkv.record.ContextEntry.verify|verify} messages.
             * @function encode
             * @memberof dynkv.record.ContextEntry
             * @static
             * @param {dynkv.record.IContextEntry} m ContextEntry message or plain object to encode
             * @param {$protobuf.Writer} [w] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ContextEntry.encode = function encode(m, w, q) {
                if (!w)
                    w = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (m.actor != null && Object.hasOwnProperty.call(m, "actor"))
                    w.uint32(10).string(m.actor);
                if (m.counter != null && Object.hasOwnProperty.call(m, "counter"))
                    w.uint32(16).uint64(m.counter);
                return w;
            };

            /**
             * Decodes a ContextEntry message from the specified reader or buffer.
             * @function decode
             * @memberof dynkv.record.ContextEntry
             * @static
             * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
             * @param {number} [l] Message length if known beforehand
             * @returns {dynkv.record.ContextEntry} ContextEntry
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ContextEntry.decode = function decode(r, l, e, n) {
                if (!(r instanceof $Reader))
                    r = $Reader.create(r);
                if (n === undefined)
                    n = 0;
                if (n > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var c, m;
                if (l === undefined)
                    c = r.len;
                else {
                    c = r.pos + l;
                    if (c > r.len)
                        throw RangeError("index out of range");
                    l = r.len;
                    r.len = c;
                }
                m = new $root.dynkv.record.ContextEntry();
                while (r.pos < c) {
                    var t = r.uint32();
                    if (t === e)
                        break;
                    switch (t >>> 3) {
                    case 1: {
                            m.actor = r.string();
                            break;
                        }
                    case 2: {
                            m.counter = r.uint64();
                            break;
                        }
                    default:
                        r.skipType(t & 7, n);
                        break;
                    }
                }
                if (l !== undefined) {
                    if (r.pos !== c)
                        throw RangeError("index out of range");
                    r.len = l;
                }
                return m;
            };

            /**
             * Gets the default type url for ContextEntry
             * @function getTypeUrl
             * @memberof dynkv.record.ContextEntry
             * @static
             * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
             * @returns {string} The default type url
             */
            ContextEntry.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
                if (typeUrlPrefix === undefined) {
                    typeUrlPrefix = "type.googleapis.com";
                }
                return typeUrlPrefix + "/dynkv.record.ContextEntry";
            };

            return ContextEntry;
        })();

        return record;
    })();

    return dynkv;
})();

module.exports = $root;
