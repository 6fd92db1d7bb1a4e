// Asio, Asio SSL and Beast compiled once for the whole program (STYLE.md section 10): every
// target that includes them links coolhead_asio, which carries the SEPARATE_COMPILATION defines.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
