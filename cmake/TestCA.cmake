# Throwaway certificates for the TLS tests (STYLE.md section 6), generated at configure time
# with the openssl CLI into ${CMAKE_BINARY_DIR}/test-ca/ and regenerated only when a file is
# missing:
#   ca.pem                 the test CA that tests trust
#   localhost.{pem,key}    signed by ca.pem; SAN DNS:localhost, IP:127.0.0.1
#   wrong-host.{pem,key}   signed by ca.pem; SAN DNS:wrong.example (host-name refusal)
#   other-ca.pem           an unrelated CA that tests do not trust
#   other-localhost.{pem,key}  signed by other-ca.pem; SAN DNS:localhost, IP:127.0.0.1 (chain refusal)
# Sets COOLHEAD_TEST_CA_DIR; tests/support passes it on as a compile definition.
include_guard(GLOBAL)

set(COOLHEAD_TEST_CA_DIR "${CMAKE_BINARY_DIR}/test-ca")

function(_coolhead_openssl)
    execute_process(
        COMMAND "${COOLHEAD_OPENSSL}" ${ARGN}
        WORKING_DIRECTORY "${COOLHEAD_TEST_CA_DIR}"
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "TestCA: openssl ${ARGN} failed (${result}):\n${output}")
    endif()
endfunction()

# _coolhead_test_ca(<name> <subject>)
function(_coolhead_test_ca name subject)
    _coolhead_openssl(req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes
        -keyout ${name}.key -out ${name}.pem -days 3650 -subj "${subject}"
        -addext "basicConstraints=critical,CA:TRUE"
        -addext "keyUsage=critical,keyCertSign,cRLSign")
endfunction()

# _coolhead_test_leaf(<name> <ca> <serial> <san>)
function(_coolhead_test_leaf name ca serial san)
    file(WRITE "${COOLHEAD_TEST_CA_DIR}/${name}.ext"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=${san}\n")
    _coolhead_openssl(req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes
        -keyout ${name}.key -out ${name}.csr -subj "/CN=${name}")
    _coolhead_openssl(x509 -req -in ${name}.csr -CA ${ca}.pem -CAkey ${ca}.key -set_serial ${serial}
        -days 3650 -sha256 -extfile ${name}.ext -out ${name}.pem)
endfunction()

set(_coolhead_test_ca_files
    ca.pem ca.key localhost.pem localhost.key wrong-host.pem wrong-host.key
    other-ca.pem other-ca.key other-localhost.pem other-localhost.key)
set(_coolhead_test_ca_complete TRUE)
foreach(f IN LISTS _coolhead_test_ca_files)
    if(NOT EXISTS "${COOLHEAD_TEST_CA_DIR}/${f}")
        set(_coolhead_test_ca_complete FALSE)
    endif()
endforeach()

if(NOT _coolhead_test_ca_complete)
    find_program(COOLHEAD_OPENSSL openssl REQUIRED)
    message(STATUS "TestCA: generating test certificates in ${COOLHEAD_TEST_CA_DIR}")
    file(REMOVE_RECURSE "${COOLHEAD_TEST_CA_DIR}")
    file(MAKE_DIRECTORY "${COOLHEAD_TEST_CA_DIR}")
    _coolhead_test_ca(ca "/CN=coolhead test CA")
    _coolhead_test_ca(other-ca "/CN=coolhead unrelated test CA")
    _coolhead_test_leaf(localhost ca 1001 "DNS:localhost,IP:127.0.0.1")
    _coolhead_test_leaf(wrong-host ca 1002 "DNS:wrong.example")
    _coolhead_test_leaf(other-localhost other-ca 2001 "DNS:localhost,IP:127.0.0.1")
endif()
