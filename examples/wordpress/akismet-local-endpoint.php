<?php
/*
 * Plugin Name: Akismet → Broadsheet
 * Description: Sends the Akismet plugin's calls to a Broadsheet server instead of rest.akismet.com.
 *
 * Copy to wp-content/mu-plugins/ and add to wp-config.php:
 *   define( 'AKISMET_TEST_ENDPOINT', 'https://news.example' );  // the Broadsheet server
 *   define( 'WPCOM_API_KEY', 'abcdef123456' );                   // from `broadsheet akismet keys create`
 */
add_filter( 'pre_http_request', function ( $pre, $args, $url ) {
	$endpoint = defined( 'AKISMET_TEST_ENDPOINT' ) ? AKISMET_TEST_ENDPOINT : 'http://127.0.0.1:8765';
	$host     = (string) wp_parse_url( $url, PHP_URL_HOST );
	if ( ! preg_match( '/(^|\.)rest\.akismet\.com$/i', $host ) ) {
		return $pre;                                  // not Akismet
	}
	$query = wp_parse_url( $url, PHP_URL_QUERY );
	$new   = untrailingslashit( $endpoint ) . wp_parse_url( $url, PHP_URL_PATH ) . ( $query ? '?' . $query : '' );
	$args['headers']['Host'] = $host;                 // keeps {key}.host parsing working
	return wp_remote_request( $new, $args );          // new host doesn't match: no recursion
}, 10, 3 );
