#!/usr/bin/env python3
"""Generates the known-answer vectors hard-coded in src/usm/tests.rs, independently of snmpkit.

Run with pysnmp 7 and cryptography installed (`pip install pysnmp cryptography`):
    python3 src/usm/testdata/gen_vectors.py
Key derivation uses pysnmp's implementation (rfc3414.localkey and eso.priv.aesbase for the
AES-192/256 key extensions); HMAC uses Python's hmac/hashlib; ciphers use pyca/cryptography.
"""
import hashlib
import hmac
import warnings

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

warnings.simplefilter("ignore")
try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

from pyasn1.type.univ import OctetString
from pysnmp.proto.secmod.rfc3414 import localkey
from pysnmp.proto.secmod.rfc3414.auth import hmacmd5, hmacsha
from pysnmp.proto.secmod.rfc7860.auth import hmacsha2
from pysnmp.proto.secmod.eso.priv import aes192, aes256

HASHES = [
    ("Md5", hashlib.md5, hmacmd5.HmacMd5.SERVICE_ID, 12),
    ("Sha1", hashlib.sha1, hmacsha.HmacSha.SERVICE_ID, 12),
    ("Sha224", hashlib.sha224, hmacsha2.HmacSha2.SHA224_SERVICE_ID, 16),
    ("Sha256", hashlib.sha256, hmacsha2.HmacSha2.SHA256_SERVICE_ID, 24),
    ("Sha384", hashlib.sha384, hmacsha2.HmacSha2.SAH384_SERVICE_ID, 32),
    ("Sha512", hashlib.sha512, hmacsha2.HmacSha2.SHA512_SERVICE_ID, 48),
]
ENGINE = OctetString(hexValue="000000000000000000000002")
PASS = b"maplesyrup"
PRIV_PASS = b"privpass123"
MSG = bytes(range(100))

print("// password_to_key / localize: (proto, Ku, Kul) for 'maplesyrup', engine ...02")
for name, h, _, _ in HASHES:
    ku = bytes(localkey.hash_passphrase(PASS, h))
    kul = bytes(localkey.localize_key(ku, ENGINE, h))
    print(f'(AuthProtocol::{name}, "{ku.hex()}", "{kul.hex()}"),')

print("// HMAC: (proto, truncated HMAC of bytes 0..100 under the localized key above)")
for name, h, _, n in HASHES:
    kul = bytes(localkey.localize_key(localkey.hash_passphrase(PASS, h), ENGINE, h))
    print(f'(AuthProtocol::{name}, "{hmac.new(kul, MSG, h).digest()[:n].hex()}"),')

print("// AES key extension: (auth, priv, key) for priv passphrase 'privpass123', engine ...02")
for name, h, sid, _ in HASHES:
    ku = bytes(localkey.hash_passphrase(PRIV_PASS, h))
    for pname, cls in [("Aes192", aes192.AesBlumenthal192), ("Aes256", aes256.AesBlumenthal256),
                       ("Aes192Cisco", aes192.Aes192), ("Aes256Cisco", aes256.Aes256)]:
        k = bytes(cls().localize_key(sid, ku, ENGINE))
        print(f'(AuthProtocol::{name}, PrivProtocol::{pname}, "{k.hex()}"),')

PLAIN = bytes((i * 7 + 3) & 0xFF for i in range(37))
print("// DES-CBC: key||preIV, salt, ciphertext of PLAIN padded with zeros to 40 octets")
key = bytes(range(0x10, 0x20))
salt = bytes.fromhex("0000000500000001")
iv = bytes(a ^ b for a, b in zip(key[8:], salt))
enc = Cipher(TripleDES(key[:8] * 3), modes.CBC(iv)).encryptor()
padded = PLAIN + bytes(40 - len(PLAIN))
print(f'des: key {key.hex()} salt {salt.hex()} ct "{(enc.update(padded) + enc.finalize()).hex()}"')

print("// AES-CFB128: boots 5, time 1234567, salt 0102030405060708, key 0x20.., PLAIN")
iv = (5).to_bytes(4, "big") + (1234567).to_bytes(4, "big") + bytes.fromhex("0102030405060708")
for n in (16, 24, 32):
    key = bytes(range(0x20, 0x20 + n))
    enc = Cipher(algorithms.AES(key), modes.CFB(iv)).encryptor()
    print(f'({n}, "{(enc.update(PLAIN) + enc.finalize()).hex()}"),')
print(f"PLAIN = {PLAIN.hex()}")
