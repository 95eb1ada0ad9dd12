/* SPDX-License-Identifier: MIT */
/*
 * The functions of the big libraries that jailor loads only when a command
 * first calls one (lazy_link.c says why and how).  An X-macro list, read by
 * lazy_stubs.S (one stub each) and lazy_link.c (names, libraries): no C
 * declarations here, the assembler reads it too.
 *
 *   LAZY_LIBRARY(ID)      LAZY_SYMBOL(ID, function)
 *
 * The IDs are also in src/lib/meson.build, which finds each one's SONAME.
 *
 * A function of these libraries used without being listed here fails the
 * link with an undefined reference: add it.
 */
#ifdef LAZY_LIBRARY
LAZY_LIBRARY(CURL)
LAZY_LIBRARY(ARCHIVE)
LAZY_LIBRARY(CRYPTO)
#endif

#ifdef LAZY_SYMBOL
LAZY_SYMBOL(CURL, curl_easy_cleanup)
LAZY_SYMBOL(CURL, curl_easy_getinfo)
LAZY_SYMBOL(CURL, curl_easy_init)
LAZY_SYMBOL(CURL, curl_easy_perform)
LAZY_SYMBOL(CURL, curl_easy_setopt)
LAZY_SYMBOL(CURL, curl_easy_strerror)
LAZY_SYMBOL(CRYPTO, EVP_DigestFinal_ex)
LAZY_SYMBOL(CRYPTO, EVP_DigestInit_ex)
LAZY_SYMBOL(CRYPTO, EVP_DigestUpdate)
LAZY_SYMBOL(CRYPTO, EVP_MD_CTX_free)
LAZY_SYMBOL(CRYPTO, EVP_MD_CTX_new)
LAZY_SYMBOL(CRYPTO, EVP_sha256)
LAZY_SYMBOL(ARCHIVE, archive_entry_copy_hardlink)
LAZY_SYMBOL(ARCHIVE, archive_entry_copy_pathname)
LAZY_SYMBOL(ARCHIVE, archive_entry_filetype)
LAZY_SYMBOL(ARCHIVE, archive_entry_free)
LAZY_SYMBOL(ARCHIVE, archive_entry_hardlink)
LAZY_SYMBOL(ARCHIVE, archive_entry_linkify)
LAZY_SYMBOL(ARCHIVE, archive_entry_linkresolver_free)
LAZY_SYMBOL(ARCHIVE, archive_entry_linkresolver_new)
LAZY_SYMBOL(ARCHIVE, archive_entry_linkresolver_set_strategy)
LAZY_SYMBOL(ARCHIVE, archive_entry_new)
LAZY_SYMBOL(ARCHIVE, archive_entry_pathname)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_filetype)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_gname)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_mtime)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_pathname)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_perm)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_size)
LAZY_SYMBOL(ARCHIVE, archive_entry_set_uname)
LAZY_SYMBOL(ARCHIVE, archive_entry_size)
LAZY_SYMBOL(ARCHIVE, archive_entry_symlink)
LAZY_SYMBOL(ARCHIVE, archive_errno)
LAZY_SYMBOL(ARCHIVE, archive_error_string)
LAZY_SYMBOL(ARCHIVE, archive_filter_bytes)
LAZY_SYMBOL(ARCHIVE, archive_format)
LAZY_SYMBOL(ARCHIVE, archive_read_data)
LAZY_SYMBOL(ARCHIVE, archive_read_data_block)
LAZY_SYMBOL(ARCHIVE, archive_read_disk_descend)
LAZY_SYMBOL(ARCHIVE, archive_read_disk_new)
LAZY_SYMBOL(ARCHIVE, archive_read_disk_open)
LAZY_SYMBOL(ARCHIVE, archive_read_disk_set_behavior)
LAZY_SYMBOL(ARCHIVE, archive_read_disk_set_symlink_physical)
LAZY_SYMBOL(ARCHIVE, archive_read_free)
LAZY_SYMBOL(ARCHIVE, archive_read_new)
LAZY_SYMBOL(ARCHIVE, archive_read_next_header)
LAZY_SYMBOL(ARCHIVE, archive_read_next_header2)
LAZY_SYMBOL(ARCHIVE, archive_read_open2)
LAZY_SYMBOL(ARCHIVE, archive_read_open_filename)
LAZY_SYMBOL(ARCHIVE, archive_read_support_filter_all)
LAZY_SYMBOL(ARCHIVE, archive_read_support_format_cpio)
LAZY_SYMBOL(ARCHIVE, archive_read_support_format_tar)
LAZY_SYMBOL(ARCHIVE, archive_set_error)
LAZY_SYMBOL(ARCHIVE, archive_write_add_filter_zstd)
LAZY_SYMBOL(ARCHIVE, archive_write_close)
LAZY_SYMBOL(ARCHIVE, archive_write_data)
LAZY_SYMBOL(ARCHIVE, archive_write_data_block)
LAZY_SYMBOL(ARCHIVE, archive_write_disk_new)
LAZY_SYMBOL(ARCHIVE, archive_write_disk_set_options)
LAZY_SYMBOL(ARCHIVE, archive_write_disk_set_standard_lookup)
LAZY_SYMBOL(ARCHIVE, archive_write_free)
LAZY_SYMBOL(ARCHIVE, archive_write_header)
LAZY_SYMBOL(ARCHIVE, archive_write_new)
LAZY_SYMBOL(ARCHIVE, archive_write_open_fd)
LAZY_SYMBOL(ARCHIVE, archive_write_set_filter_option)
LAZY_SYMBOL(ARCHIVE, archive_write_set_format_option)
LAZY_SYMBOL(ARCHIVE, archive_write_set_format_pax)
#endif
